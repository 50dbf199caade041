"""Character looks, backgrounds and frames, drawn procedurally (or by an image provider, later)."""
