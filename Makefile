# Conveniences for those who prefer make; ./dev is the real entry point (no make needed).
.PHONY: demo test schema
demo:
	./dev demo
test:
	./dev test
schema:
	.venv/bin/python -m microdrama.model.schema schema
