"""Every kind of job Lantern runs in the background (imported when the app is ready)."""
