"""Fixtures for TUI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from uihelpers import make_app

from mops_tui.ui.app import MopsApp


@pytest.fixture
def app_factory(demo_db: Path) -> Callable[..., MopsApp]:
    def factory(**overrides: Any) -> MopsApp:
        return make_app(demo_db, **overrides)

    return factory
