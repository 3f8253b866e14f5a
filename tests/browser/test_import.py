"""A QA manager imports a messy spreadsheet in Chromium: fixes the columns, sees the row errors,
imports the corrected file, and imports it again without duplicates."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from reviews.models import Interaction
from tests.factories import AgentFactory
from tests.reviews.spreadsheets import write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    ["Ref", "Agent", "When", "Via", "Talk time", "Region"],
    ["A-1", "ana", dt.datetime(2026, 11, 3, 10, 0), "Phone", "2:00", "North"],
    ["A-2", "Ana Lopez", dt.datetime(2026, 11, 3, 11, 0), "Chat", "two minutes", "South"],
]


def test_manager_imports_a_messy_spreadsheet(page, live_server, login, shot, manager, team, tmp_path):
    AgentFactory(username="ana", first_name="Ana", last_name="Lopez", team=team)
    bad = write_xlsx(tmp_path / "calls.xlsx", ROWS)
    fixed_rows = [r[:] for r in ROWS]
    fixed_rows[2][4] = "2:30"
    fixed = write_xlsx(tmp_path / "calls-fixed.xlsx", fixed_rows)

    login("manager")
    page.get_by_role("link", name="Imports").click()
    page.get_by_label("Spreadsheet (.xlsx, .xls, .ods or .csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and match columns").click()

    # "Ref", "When" and "Via" match no field: the manager picks them.
    page.get_by_label("Interaction id").select_option("Ref")
    page.get_by_label("Start date and time").select_option("When")
    page.get_by_label("Channel", exact=True).select_option("Via")
    page.get_by_label("Save this mapping as").fill("Telephony")
    shot("import_mapping")
    page.get_by_role("button", name="Check every row").click()

    expect(page.get_by_text("1 problem found: nothing was imported")).to_be_visible()
    row = page.locator("table tr", has_text="two minutes")
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("E · Talk time")
    shot("import_errors")
    assert Interaction.objects.count() == 0

    page.get_by_role("link", name="Imports").first.click()
    page.get_by_label("Spreadsheet (.xlsx, .xls, .ods or .csv)").set_input_files(str(fixed))
    page.get_by_label("Saved column mapping").select_option("Telephony")
    page.get_by_role("button", name="Upload and match columns").click()
    page.get_by_role("button", name="Check every row").click()
    expect(page.get_by_role("heading", name="Ready to import", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="2026-11-03 10:00", exact=True)).to_be_visible()
    shot("import_preview")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible()
    assert Interaction.objects.count() == 2
    assert Interaction.objects.get(source_id="A-1").extra == {"Region": "North"}

    # The same file again: nothing new.
    page.get_by_role("link", name="Import another file").click()
    page.get_by_label("Spreadsheet (.xlsx, .xls, .ods or .csv)").set_input_files(str(fixed))
    page.get_by_label("Saved column mapping").select_option("Telephony")
    page.get_by_role("button", name="Upload and match columns").click()
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("ul.counts")).to_contain_text("2 already there, unchanged")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator("ul.counts")).to_contain_text("0 created")
    assert Interaction.objects.count() == 2

    # A re-import that changes stored rows shows each change and waits for a confirmation.
    changed_rows = [r[:] for r in fixed_rows]
    changed_rows[1][4] = "0:00"
    changed = write_xlsx(tmp_path / "calls-changed.xlsx", changed_rows)
    page.get_by_role("link", name="Import another file").click()
    page.get_by_label("Spreadsheet (.xlsx, .xls, .ods or .csv)").set_input_files(str(changed))
    page.get_by_label("Saved column mapping").select_option("Telephony")
    page.get_by_role("button", name="Upload and match columns").click()
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("ul.counts")).to_contain_text("1 already imported, will change")
    change = page.locator("table tr", has_text="A-1: 120 → 0")
    expect(change).to_contain_text("Talk time")
    shot("import_changes")
    page.get_by_role("button", name="Import 2 rows").click()  # the browser asks for the tick first
    assert Interaction.objects.get(source_id="A-1").talk_seconds == 120
    page.get_by_label("Yes, change the 1 interaction already imported as shown above").check()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator("ul.counts")).to_contain_text("1 updated")
    assert Interaction.objects.get(source_id="A-1").talk_seconds == 0
