"""The build: content-addressed cache, tasks, executors (local processes, Ray) and the media pipeline."""
