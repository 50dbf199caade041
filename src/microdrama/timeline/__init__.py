"""Script -> timeline: one intermediate representation per episode (clips, audio, subtitles)."""
