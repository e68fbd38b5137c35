# The two commands a newcomer needs (see README.md).
.PHONY: run test

run:  ## install everything and start the demo portal at http://127.0.0.1:8000
	scripts/run-demo.sh

test:  ## install everything and run the whole test suite
	scripts/test.sh
