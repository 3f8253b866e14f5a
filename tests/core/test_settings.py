"""The settings module: zero-config defaults and a production configuration that passes
`manage.py check --deploy`. Each case runs in a fresh interpreter, as a server would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


SHOW = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='qa_project.settings'; django.setup();"
    "from django.conf import settings as s;"
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
)


def test_a_development_install_is_sqlite_with_eager_celery():
    result = run_python(SHOW, DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


def test_debug_is_off_unless_asked_for_and_then_a_secret_key_is_needed():
    result = run_python(SHOW)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY (a long random value) for a server, or DJANGO_DEBUG=true" in result.stderr
    result = run_python(SHOW, DJANGO_SECRET_KEY="s" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "False"


def test_environment_selects_postgresql_and_redis():
    result = run_python(
        SHOW,
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://qa@db.example:5432/qa",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "True"]


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
    "DJANGO_ALLOWED_HOSTS": "qa.example.com",
    "DATABASE_URL": "sqlite:////tmp/qa-deploy-check.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",  # a server runs a worker (core.W001 otherwise)
}


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run_python(SHOW, **env)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_collects_static_files_with_their_manifest(tmp_path):
    """WhiteNoise's manifest storage refuses any file that names a missing one (a vendored
    script's source map, say): a server install would stop at collectstatic."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **PRODUCTION}
    env["DJANGO_STATIC_ROOT"] = str(tmp_path / "static")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in manifest and "js/charts.js" in manifest


def test_x_forwarded_proto_is_trusted_only_behind_a_configured_proxy():
    """Issue 17 §7: without a proxy, any client could send X-Forwarded-Proto: https."""
    show = SHOW.replace(
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)",
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))",
    )
    alone = run_python(show, DJANGO_SECRET_KEY="s" * 60)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.strip() == "None"
    behind = run_python(show, DJANGO_SECRET_KEY="s" * 60, DJANGO_PROXY_COUNT="1")
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
