"""Static Android knowledge a simulated phone is built from.

Which permissions are runtime ("dangerous") on which release, which are hard-restricted from
Android 10 on, what a typical WhatsApp or messenger requests, and which stock system packages
a phone of a given maker carries. Profiles only state what differs from this.
"""

from __future__ import annotations

from dataclasses import dataclass

PERMISSION_PREFIX = "android.permission."

# runtime permissions -> first API level that knows them
RUNTIME_SINCE: dict[str, int] = {
    "READ_CALENDAR": 23, "WRITE_CALENDAR": 23, "CAMERA": 23, "READ_CONTACTS": 23, "WRITE_CONTACTS": 23,
    "GET_ACCOUNTS": 23, "ACCESS_FINE_LOCATION": 23, "ACCESS_COARSE_LOCATION": 23, "RECORD_AUDIO": 23,
    "READ_PHONE_STATE": 23, "CALL_PHONE": 23, "READ_CALL_LOG": 23, "WRITE_CALL_LOG": 23,
    "ADD_VOICEMAIL": 23, "USE_SIP": 23, "PROCESS_OUTGOING_CALLS": 23, "BODY_SENSORS": 23,
    "SEND_SMS": 23, "RECEIVE_SMS": 23, "READ_SMS": 23, "RECEIVE_WAP_PUSH": 23, "RECEIVE_MMS": 23,
    "READ_EXTERNAL_STORAGE": 23, "WRITE_EXTERNAL_STORAGE": 23, "ANSWER_PHONE_CALLS": 26,
    "READ_PHONE_NUMBERS": 26, "ACCEPT_HANDOVER": 28, "ACCESS_BACKGROUND_LOCATION": 29,
    "ACTIVITY_RECOGNITION": 29, "ACCESS_MEDIA_LOCATION": 29, "BLUETOOTH_CONNECT": 31,
    "BLUETOOTH_SCAN": 31, "BLUETOOTH_ADVERTISE": 31, "UWB_RANGING": 31, "POST_NOTIFICATIONS": 33,
    "READ_MEDIA_IMAGES": 33, "READ_MEDIA_VIDEO": 33, "READ_MEDIA_AUDIO": 33, "NEARBY_WIFI_DEVICES": 33,
    "BODY_SENSORS_BACKGROUND": 33, "READ_MEDIA_VISUAL_USER_SELECTED": 34,
}
# hard-restricted on Android 10+ (printed as "PERM: restricted=true" under requested permissions)
RESTRICTED = frozenset({
    "SEND_SMS", "RECEIVE_SMS", "READ_SMS", "RECEIVE_WAP_PUSH", "RECEIVE_MMS", "READ_CALL_LOG",
    "WRITE_CALL_LOG", "PROCESS_OUTGOING_CALLS", "ACCESS_BACKGROUND_LOCATION",
})
# install-time permissions that some releases no longer know (requested, but never granted)
NORMAL_UNTIL: dict[str, int] = {
    "AUTHENTICATE_ACCOUNTS": 22, "MANAGE_ACCOUNTS": 22, "USE_CREDENTIALS": 22, "READ_PROFILE": 22,
    "WRITE_PROFILE": 22, "READ_SOCIAL_STREAM": 22,
}
NORMAL_SINCE: dict[str, int] = {
    "FOREGROUND_SERVICE": 28, "USE_BIOMETRIC": 28, "USE_FULL_SCREEN_INTENT": 29,
    "SCHEDULE_EXACT_ALARM": 31, "FOREGROUND_SERVICE_DATA_SYNC": 34, "FOREGROUND_SERVICE_PHONE_CALL": 34,
}
# app-ops a runtime permission controls (PermissionPolicyService syncs their uid mode on 10+)
PERMISSION_OPS: dict[str, str] = {
    "READ_CONTACTS": "READ_CONTACTS", "WRITE_CONTACTS": "WRITE_CONTACTS", "GET_ACCOUNTS": "GET_ACCOUNTS",
    "CAMERA": "CAMERA", "RECORD_AUDIO": "RECORD_AUDIO", "ACCESS_FINE_LOCATION": "FINE_LOCATION",
    "ACCESS_COARSE_LOCATION": "COARSE_LOCATION", "READ_PHONE_STATE": "READ_PHONE_STATE",
    "CALL_PHONE": "CALL_PHONE", "READ_EXTERNAL_STORAGE": "READ_EXTERNAL_STORAGE",
    "WRITE_EXTERNAL_STORAGE": "WRITE_EXTERNAL_STORAGE", "POST_NOTIFICATIONS": "POST_NOTIFICATION",
}

# AppOpsManager op names in op-code order (the order `appops get` prints them in).
OPS = (
    "COARSE_LOCATION", "FINE_LOCATION", "GPS", "VIBRATE", "READ_CONTACTS", "WRITE_CONTACTS",
    "READ_CALL_LOG", "WRITE_CALL_LOG", "READ_CALENDAR", "WRITE_CALENDAR", "WIFI_SCAN",
    "POST_NOTIFICATION", "NEIGHBORING_CELLS", "CALL_PHONE", "READ_SMS", "WRITE_SMS", "RECEIVE_SMS",
    "RECEIVE_EMERGECY_SMS", "RECEIVE_MMS", "RECEIVE_WAP_PUSH", "SEND_SMS", "READ_ICC_SMS",
    "WRITE_ICC_SMS", "WRITE_SETTINGS", "SYSTEM_ALERT_WINDOW", "ACCESS_NOTIFICATIONS", "CAMERA",
    "RECORD_AUDIO", "PLAY_AUDIO", "READ_CLIPBOARD", "WRITE_CLIPBOARD", "TAKE_MEDIA_BUTTONS",
    "TAKE_AUDIO_FOCUS", "AUDIO_MASTER_VOLUME", "AUDIO_VOICE_VOLUME", "AUDIO_RING_VOLUME",
    "AUDIO_MEDIA_VOLUME", "AUDIO_ALARM_VOLUME", "AUDIO_NOTIFICATION_VOLUME", "AUDIO_BLUETOOTH_VOLUME",
    "WAKE_LOCK", "MONITOR_LOCATION", "MONITOR_HIGH_POWER_LOCATION", "GET_USAGE_STATS", "MUTE_MICROPHONE",
    "TOAST_WINDOW", "PROJECT_MEDIA", "ACTIVATE_VPN", "WRITE_WALLPAPER", "ASSIST_STRUCTURE",
    "ASSIST_SCREENSHOT", "READ_PHONE_STATE", "ADD_VOICEMAIL", "USE_SIP", "PROCESS_OUTGOING_CALLS",
    "USE_FINGERPRINT", "BODY_SENSORS", "READ_CELL_BROADCASTS", "MOCK_LOCATION", "READ_EXTERNAL_STORAGE",
    "WRITE_EXTERNAL_STORAGE", "TURN_SCREEN_ON", "GET_ACCOUNTS", "RUN_IN_BACKGROUND",
    "AUDIO_ACCESSIBILITY_VOLUME", "READ_PHONE_NUMBERS", "REQUEST_INSTALL_PACKAGES",
    "PICTURE_IN_PICTURE", "INSTANT_APP_START_FOREGROUND", "ANSWER_PHONE_CALLS", "RUN_ANY_IN_BACKGROUND",
    "CHANGE_WIFI_STATE", "REQUEST_DELETE_PACKAGES", "BIND_ACCESSIBILITY_SERVICE", "ACCEPT_HANDOVER",
    "MANAGE_IPSEC_TUNNELS", "START_FOREGROUND", "BLUETOOTH_SCAN", "USE_BIOMETRIC",
    "ACTIVITY_RECOGNITION", "SMS_FINANCIAL_TRANSACTIONS", "READ_MEDIA_AUDIO", "WRITE_MEDIA_AUDIO",
    "READ_MEDIA_VIDEO", "WRITE_MEDIA_VIDEO", "READ_MEDIA_IMAGES", "WRITE_MEDIA_IMAGES", "LEGACY_STORAGE",
    "ACCESS_ACCESSIBILITY", "READ_DEVICE_IDENTIFIERS", "ACCESS_MEDIA_LOCATION", "QUERY_ALL_PACKAGES",
    "MANAGE_EXTERNAL_STORAGE", "INTERACT_ACROSS_PROFILES", "ACTIVATE_PLATFORM_VPN", "LOADER_USAGE_STATS",
    "AUTO_REVOKE_PERMISSIONS_IF_UNUSED", "AUTO_REVOKE_MANAGED_BY_INSTALLER", "NO_ISOLATED_STORAGE",
    "PHONE_CALL_MICROPHONE", "PHONE_CALL_CAMERA", "RECORD_AUDIO_HOTWORD", "MANAGE_ONGOING_CALLS",
    "MANAGE_CREDENTIALS", "USE_ICC_AUTH_WITH_DEVICE_IDENTIFIER", "RECORD_AUDIO_OUTPUT",
    "SCHEDULE_EXACT_ALARM", "FINE_LOCATION_SOURCE", "COARSE_LOCATION_SOURCE", "MANAGE_MEDIA",
    "BLUETOOTH_CONNECT", "UWB_RANGING", "ACTIVITY_RECOGNITION_SOURCE", "BLUETOOTH_ADVERTISE",
    "RECORD_INCOMING_PHONE_AUDIO", "NEARBY_WIFI_DEVICES", "ESTABLISH_VPN_SERVICE",
    "ESTABLISH_VPN_MANAGER", "ACCESS_RESTRICTED_SETTINGS", "RECEIVE_AMBIENT_TRIGGER_AUDIO",
    "READ_MEDIA_VISUAL_USER_SELECTED",
)
OP_ORDER = {name: i for i, name in enumerate(OPS)}
MODES = ("allow", "ignore", "deny", "default", "foreground")


def full_permission(name: str) -> str:
    """``READ_CONTACTS`` -> ``android.permission.READ_CONTACTS``; full names stay as they are."""
    return name if "." in name else PERMISSION_PREFIX + name


def short_permission(name: str) -> str:
    return name[len(PERMISSION_PREFIX):] if name.startswith(PERMISSION_PREFIX) else name


def is_runtime(permission: str, sdk: int) -> bool:
    short = short_permission(permission)
    return permission.startswith(PERMISSION_PREFIX) and RUNTIME_SINCE.get(short, 999) <= sdk


def is_known_install_permission(permission: str, sdk: int) -> bool:
    short = short_permission(permission)
    if not permission.startswith(PERMISSION_PREFIX):
        return True  # app- and vendor-defined permissions
    if short in RUNTIME_SINCE:
        return False
    return NORMAL_SINCE.get(short, 0) <= sdk <= NORMAL_UNTIL.get(short, 999)


WHATSAPP_REQUESTS = tuple(
    full_permission(p)
    for p in (
        "INTERNET", "ACCESS_NETWORK_STATE", "ACCESS_WIFI_STATE", "READ_CONTACTS", "WRITE_CONTACTS",
        "GET_ACCOUNTS", "AUTHENTICATE_ACCOUNTS", "MANAGE_ACCOUNTS", "READ_PROFILE", "READ_SYNC_SETTINGS",
        "WRITE_SYNC_SETTINGS", "CAMERA", "RECORD_AUDIO", "ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION",
        "READ_PHONE_STATE", "READ_PHONE_NUMBERS", "READ_EXTERNAL_STORAGE", "WRITE_EXTERNAL_STORAGE",
        "READ_MEDIA_IMAGES", "READ_MEDIA_VIDEO", "READ_MEDIA_AUDIO", "POST_NOTIFICATIONS",
        "BLUETOOTH_CONNECT", "VIBRATE", "WAKE_LOCK", "RECEIVE_BOOT_COMPLETED", "FOREGROUND_SERVICE",
        "USE_FULL_SCREEN_INTENT", "USE_BIOMETRIC", "USE_FINGERPRINT", "NFC",
        "com.google.android.c2dm.permission.RECEIVE", "com.android.launcher.permission.INSTALL_SHORTCUT",
    )
)
MESSENGER_REQUESTS = tuple(
    full_permission(p)
    for p in (
        "INTERNET", "ACCESS_NETWORK_STATE", "READ_CONTACTS", "WRITE_CONTACTS", "GET_ACCOUNTS",
        "READ_SYNC_SETTINGS", "WRITE_SYNC_SETTINGS", "CAMERA", "RECORD_AUDIO", "POST_NOTIFICATIONS",
        "VIBRATE", "WAKE_LOCK", "RECEIVE_BOOT_COMPLETED", "FOREGROUND_SERVICE",
        "com.google.android.c2dm.permission.RECEIVE",
    )
)
APP_REQUESTS = tuple(full_permission(p) for p in ("INTERNET", "ACCESS_NETWORK_STATE", "WAKE_LOCK"))

MESSENGER_PACKAGES = frozenset({
    "com.whatsapp", "com.whatsapp.w4b", "ch.threema.app", "ch.threema.app.work", "ch.threema.app.libre",
    "org.telegram.messenger", "org.thoughtcrime.securesms", "com.viber.voip",
})


def default_requests(package: str) -> tuple[str, ...]:
    if package in ("com.whatsapp", "com.whatsapp.w4b"):
        return (*WHATSAPP_REQUESTS, f"{package}.permission.MAPS_RECEIVE")
    if package in MESSENGER_PACKAGES:
        return MESSENGER_REQUESTS
    return APP_REQUESTS


@dataclass(frozen=True)
class StockApp:
    """A preinstalled package: present in every user, not the subject of the audit."""

    package: str
    path: str
    app_id: int
    shared_user: str | None = None
    requests: tuple[str, ...] = ()
    contacts_fixed: bool = False  # READ_CONTACTS granted SYSTEM_FIXED|GRANTED_BY_DEFAULT


SHARED_USER_IDS = {
    "android.uid.system": 1000,
    "android.uid.phone": 1001,
    "android.uid.shell": 2000,
    "android.uid.shared": 10005,
    "android.uid.systemui": 10036,
    "com.google.uid.shared": 10090,
}
_CONTACTS_REQ = tuple(full_permission(p) for p in ("READ_CONTACTS", "WRITE_CONTACTS", "GET_ACCOUNTS", "INTERNET"))

_BASE = (
    StockApp("android", "/system/framework/framework-res.apk", 1000, "android.uid.system"),
    StockApp("com.android.settings", "/system/priv-app/Settings", 1000, "android.uid.system"),
    StockApp("com.android.providers.settings", "/system/priv-app/SettingsProvider", 1000, "android.uid.system"),
    StockApp("com.android.phone", "/system/priv-app/TeleService", 1001, "android.uid.phone", _CONTACTS_REQ, True),
    StockApp("com.android.shell", "/system/priv-app/Shell", 2000, "android.uid.shell", _CONTACTS_REQ, True),
    StockApp(
        "com.android.providers.contacts", "/system/priv-app/ContactsProvider", 10005, "android.uid.shared",
        _CONTACTS_REQ, True,
    ),
    StockApp("com.android.systemui", "/system/priv-app/SystemUI", 10036, "android.uid.systemui"),
    StockApp("com.android.vending", "/system/priv-app/Phonesky", 10060, None, APP_REQUESTS),
    StockApp("com.google.android.gms", "/system/priv-app/PrebuiltGmsCore", 10090, "com.google.uid.shared", _CONTACTS_REQ),
    StockApp("com.android.chrome", "/system/app/Chrome", 10071, None, APP_REQUESTS),
)
_FAMILY: dict[str, tuple[StockApp, ...]] = {
    "google": (
        StockApp("com.google.android.contacts", "/product/priv-app/GoogleContacts", 10081, None, _CONTACTS_REQ, True),
        StockApp("com.google.android.dialer", "/product/priv-app/GoogleDialer", 10082, None, _CONTACTS_REQ, True),
        StockApp("com.google.android.apps.messaging", "/product/app/PrebuiltBugle", 10083, None, _CONTACTS_REQ, True),
        StockApp("com.google.android.apps.nexuslauncher", "/system_ext/priv-app/NexusLauncherRelease", 10084),
    ),
    "samsung": (
        StockApp("com.samsung.android.app.contacts", "/system/priv-app/SamsungContacts", 10081, None, _CONTACTS_REQ, True),
        StockApp("com.samsung.android.dialer", "/system/priv-app/SamsungDialer", 10082, None, _CONTACTS_REQ, True),
        StockApp("com.samsung.android.messaging", "/system/priv-app/SamsungMessages", 10083, None, _CONTACTS_REQ, True),
        StockApp("com.sec.android.app.launcher", "/system/priv-app/TouchWizHome_2017", 10084),
        StockApp("com.samsung.knox.securefolder", "/system/priv-app/SecureFolder", 10085),
    ),
    "xiaomi": (
        StockApp("com.android.contacts", "/system/priv-app/Contacts", 10081, None, _CONTACTS_REQ, True),
        StockApp("com.android.mms", "/system/priv-app/MiuiMms", 10083, None, _CONTACTS_REQ, True),
        StockApp("com.miui.home", "/system/priv-app/MiuiHome", 10084),
        StockApp("com.miui.securitycenter", "/system/priv-app/SecurityCenter", 10085),
        StockApp("com.xiaomi.xmsf", "/system/app/XiaomiServiceFramework", 10086),
    ),
    "aosp": (
        StockApp("com.android.contacts", "/system/priv-app/Contacts", 10081, None, _CONTACTS_REQ, True),
        StockApp("com.android.dialer", "/system/priv-app/Dialer", 10082, None, _CONTACTS_REQ, True),
        StockApp("com.android.messaging", "/system/app/messaging", 10083, None, _CONTACTS_REQ, True),
        StockApp("com.android.launcher3", "/system/priv-app/Launcher3QuickStep", 10084),
    ),
}


def stock_apps(manufacturer: str) -> tuple[StockApp, ...]:
    family = manufacturer.lower()
    if family not in _FAMILY:
        family = "aosp"
    return _BASE + _FAMILY[family]


# Android release -> (build id, security patch) used when a profile does not say
BUILDS: dict[int, tuple[str, str]] = {
    23: ("MMB29M", "2016-03-01"), 24: ("NRD90M", "2017-01-05"), 25: ("NMF26F", "2017-08-05"),
    26: ("OPR6.170623.013", "2018-03-05"), 27: ("OPM1.171019.026", "2019-02-01"),
    28: ("PQ3A.190801.002", "2019-08-01"), 29: ("QQ3A.200805.001", "2020-08-05"),
    30: ("RQ3A.211001.001", "2021-10-05"), 31: ("SQ3A.220705.003", "2022-07-05"),
    32: ("SQ3A.220705.004", "2022-07-05"), 33: ("TQ3A.230901.001", "2023-09-01"),
    34: ("UQ1A.240205.004", "2024-02-05"), 35: ("AP4A.250205.002", "2025-02-05"),
    36: ("BP2A.250605.031", "2025-06-05"), 37: ("CP1A.260505.012", "2026-05-05"),
}
RELEASES: dict[int, str] = {
    23: "6.0.1", 24: "7.0", 25: "7.1.2", 26: "8.0.0", 27: "8.1.0", 28: "9", 29: "10", 30: "11", 31: "12",
    32: "12", 33: "13", 34: "14", 35: "15", 36: "16", 37: "17", 38: "18",
}
