# Relationship Marketing & CRM Workbook
#   make lab        set up (first time only) and open the course in JupyterLab
#   make lab-es     the same, opening the Spanish edition (notebooks/es)
#   make test       set up (first time only) and run every test, notebooks included
#   make present LESSON=03  show one lesson without code, in large type for a projector (Voilà); LESSON=es/03 in Spanish
#   make data       regenerate datasets/ (the course's company and the messy example) from the seed
#   make notebooks  re-execute every lesson and solution notebook (both editions), then the exercises
#   make translations  bring the Spanish catalogues in step with an English change (new: empty; changed: fuzzy)
#   make exercises  regenerate exercises/ from solutions/
#   make slides     offline slide decks with speaker notes, guide pages and handouts in build/slides (build/slides/es: the Spanish lessons' pages and decks)
#   make format     format the code and fix what the linter can (ruff)
#   make lock       re-pin requirements.lock after a change to pyproject.toml (maintainers)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SLIDES_STAMP := etc/slides/node_modules/.installed
FIRST_LESSON := notebooks/00_welcome.ipynb
FIRST_LESSON_ES := notebooks/es/00_bienvenida.ipynb
# Tests run on both cores; set JOBS=1 to run them one at a time.
JOBS ?= auto

.PHONY: lab lab-es test data notebooks translations exercises slides lock bench format clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Try: make PYTHON=python3.12 lab")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs only when the lock or the project file changed since the last install.
$(STAMP): requirements.lock pyproject.toml etc/jupyterlab-overrides.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# No news or update pop-ups over a lesson projected in class.
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp etc/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

# Jupyter refuses to run as root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# The whole course is browsable (lessons, exercises, data); the first lesson opens at start.
lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/$(FIRST_LESSON)

# La edición en español: the same course, opening its first lesson.
lab-es: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/$(FIRST_LESSON_ES)

# One lesson without code, its widgets working, in the projector theme of etc/voila/; LESSON is the
# start of its name (03 is notebooks/03_leaky_bucket.ipynb). Serves that lesson only; prints its URL.
present: $(STAMP)
	$(BIN)/python -m helpers.present "$(LESSON)"

# Style first (ruff: lint, numpydoc docstrings, formatting), then every test.
# The slide-deck browser test needs the decks' npm assets; without npm it is skipped and says why.
test: $(STAMP) $(if $(shell command -v npm),$(SLIDES_STAMP))
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(JOBS)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

data: $(STAMP)
	$(BIN)/python -m helpers generate --out datasets
	$(BIN)/python -m helpers.example_data

# Re-executes every lesson and solution in place (outputs are committed), then the exercises. No widget
# state is stored: each widget's output carries its chart as a picture, which every viewer shows offline.
# The Spanish edition is first written from the English notebooks and their catalogues (translations/es).
notebooks: $(STAMP)
	$(BIN)/python -m helpers.translate build
	for folder in notebooks solutions notebooks/es solutions/es; do \
	  (cd $$folder && $(CURDIR)/$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	     --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False \
	     --ExecutePreprocessor.timeout=600 *.ipynb) || exit 1; \
	done
	$(MAKE) exercises

exercises: $(STAMP)
	$(BIN)/python -m helpers.exercise_builder solutions exercises
	$(BIN)/python -m helpers.exercise_builder solutions/es exercises/es

# After an English change: new cells and messages appear empty, changed ones fuzzy (see CONTRIBUTING.md).
translations: $(STAMP)
	$(BIN)/python -m helpers.translate update
	$(BIN)/python -m helpers.translate status || true

# The decks' assets (reveal.js, MathJax), pinned by etc/slides/package-lock.json; reinstalled when it changes.
$(SLIDES_STAMP): etc/slides/package.json etc/slides/package-lock.json
	@command -v npm >/dev/null || { echo "make slides needs Node.js and npm (Debian: apt-get install -y npm)"; exit 1; }
	npm ci --prefix etc/slides --no-audit --no-fund
	@touch $@

# One deck per lesson that opens from disk with no network (press S for the speaker notes), each
# instructor guide as a page and a one-page PDF handout; open build/slides/index.html.
slides: $(STAMP) $(SLIDES_STAMP)
	$(BIN)/python -m helpers slides --out build/slides

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra test --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV)
