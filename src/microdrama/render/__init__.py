"""Timeline -> MP4 (one ffmpeg filter graph per episode), subtitle files, and probing of the results."""
