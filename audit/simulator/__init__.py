"""Simulated Android phones driven by the real adb server (see docs/simulator.md)."""
