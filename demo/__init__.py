"""Demo data: `manage.py seed_demo` fills every app with people, rubrics, interactions, samples
and reviews so a first run has something to show. It depends on every other app; nothing
depends on it."""
