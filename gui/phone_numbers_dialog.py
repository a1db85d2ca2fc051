"""Phone numbers stored without a country code, written with one (:mod:`engine.track.phone_rewrite`).

A workspace that reads phone numbers in a country keeps ``06 12 34 56 78`` as ``+33612345678``;
numbers stored before the country was chosen keep their local form (``0612345678``), so one person
imported before and after is two profiles. The dialog shows what writing those numbers with the
country code would do (:func:`~engine.track.phone_rewrite.plan_phones`, read on a worker thread
whenever the country changes): numbers written in place, profiles merged into the one that holds
the ``+33…`` number, pairs left alone because both profiles hold a user id, copies removed, and
numbers that are not valid in the country, kept as written. *Write with country code…* asks first
(``_confirm``, overridable so tests answer it), runs
:func:`~engine.track.phone_rewrite.rewrite_phones` on the worker thread, says what was done and
reads the plan again. :attr:`PhoneNumbersDialog.rewritten` tells the window that opened it that
profiles changed.

When no number is stored without a country code (an empty workspace, or every number fixed) the
dialog says so in one line and asks nothing: no country, no button. It opens as small as its text
and grows once it lists numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import JourneyStudioError
from engine.identifiers import calling_prefix, phone_country_of
from engine.track.member_export import member_summaries
from engine.track.phone_rewrite import (
    PhoneNumber,
    PhoneOutcome,
    PhonePlan,
    PhoneRewriteStopped,
    local_phone_count,
    plan_phones,
    rewrite_phones,
)
from gui.background import Background
from gui.qt import Qt, QtGui, QtWidgets, Signal, fill

#: Numbers the table lists at most (the summary counts them all).
SHOWN = 1000
#: The dialog's size once it lists numbers (it opens as small as its text while it has none).
FULL_SIZE = (900, 600)

_STYLE = """
QLabel#phoneNote, QLabel#phoneTableNote { color: palette(placeholder-text); }
QLabel#phoneError { color: #C62828; }
QLabel#phoneSummary[nothing="true"] { font-weight: 600; }
QLabel#phoneOutcome { background: #E8F5E9; border: 1px solid #A5D6A7; border-radius: 4px; padding: 6px 8px; }
QPushButton:disabled { color: palette(placeholder-text); }
"""


def _plural(n: int, one: str, many: str) -> str:
    """``one`` for 1, else ``many`` with ``%1`` replaced by the number (both already translated)."""
    return one if n == 1 else many.replace("%1", f"{n:,}")


@dataclass(frozen=True)
class PlanView:
    """A plan with the rows the table lists and the names of their customers."""

    plan: PhonePlan
    #: (what happens, the number), merges first, as listed.
    rows: tuple[tuple[str, PhoneNumber], ...]
    #: Customer id → the label to show (name, else main identifier, else id).
    labels: dict[str, str]


def read_plan(ws, country: str, shown: int = SHOWN) -> PlanView:
    """The plan for ``country`` and the labels of the customers of its first ``shown`` numbers."""
    plan = plan_phones(ws, country)
    rows = [("merge", p) for p in plan.merges] + [("in_place", p) for p in plan.in_place] \
        + [("already", p) for p in plan.already_held] + [("not_valid", p) for p in plan.not_valid]
    rows = rows[:shown]
    ids = list(dict.fromkeys([p.customer_id for _k, p in rows] + [p.holder_id for _k, p in rows if p.holder_id]))
    labels = {s.id: s.label for s in member_summaries(ws, ids)}
    return PlanView(plan, tuple(rows), labels)


def write_numbers(ws, plan: PhonePlan) -> tuple[PhoneOutcome, str | None]:
    """:func:`rewrite_phones`, with what was done before a failure midway and the reason."""
    try:
        return rewrite_phones(ws, plan), None
    except PhoneRewriteStopped as exc:
        cause = exc.__cause__
        if exc.interrupted or cause is None:
            reason = exc.message
        elif isinstance(cause, JourneyStudioError):
            reason = cause.message
        else:
            reason = f"{type(cause).__name__}: {cause}"
        return exc.outcome, reason


class PhoneNumbersDialog(QtWidgets.QDialog):
    """See the module docstring."""

    #: Numbers were written (profiles may have been merged); carries the PhoneOutcome.
    rewritten = Signal(object)

    def __init__(self, workspace, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("phoneNumbersDialog")
        self.setWindowTitle(self.tr("Phone numbers without a country code"))
        self.setStyleSheet(_STYLE)
        self.workspace = workspace
        self.background = Background(self)
        self.view: PlanView | None = None
        self.outcome: PhoneOutcome | None = None
        self._writing = False
        try:
            self.workspace_country = phone_country_of(workspace)
        except JourneyStudioError:
            self.workspace_country = None

        intro = QtWidgets.QLabel(self.tr(
            "Numbers stored before the workspace had a phone country keep the form they were stored in "
            "(0612345678), so a customer imported before and after can have two profiles. Written with the "
            "country code, they are stored the way imports and the collector store them now (+33612345678)."), self)
        intro.setWordWrap(True)

        self.country = QtWidgets.QComboBox(self)
        self.country.setObjectName("phoneCountry")
        self.country.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.country.setMinimumContentsLength(24)
        self.country.setToolTip(self.tr("The country the numbers written without a country code are numbers of"))
        self._fill_countries()
        label = QtWidgets.QLabel(self.tr("&Country of numbers without +:"), self)
        label.setBuddy(self.country)
        self.country_row = QtWidgets.QWidget(self)
        country_row = QtWidgets.QHBoxLayout(self.country_row)
        country_row.setContentsMargins(0, 0, 0, 0)
        country_row.addWidget(label)
        country_row.addWidget(self.country)
        country_row.addStretch(1)
        self.note = QtWidgets.QLabel("", self)
        self.note.setObjectName("phoneNote")
        self.note.setWordWrap(True)

        self.summary = QtWidgets.QLabel("", self)
        self.summary.setObjectName("phoneSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QtWidgets.QTableWidget(0, 4, self)
        self.table.setObjectName("phoneTable")
        self.table.setHorizontalHeaderLabels([self.tr("Customer"), self.tr("Stored as"), self.tr("With country code"),
                                              self.tr("What happens")])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        self.table.hide()  # until there are numbers to list
        self.table_note = QtWidgets.QLabel("", self)
        self.table_note.setObjectName("phoneTableNote")
        self.table_note.hide()

        self.outcome_label = QtWidgets.QLabel("", self)
        self.outcome_label.setObjectName("phoneOutcome")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.hide()
        self.error = QtWidgets.QLabel("", self)
        self.error.setObjectName("phoneError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close, self)
        self.write_button = QtWidgets.QPushButton(self.tr("&Write with country code…"), self)
        self.write_button.setObjectName("writePhones")
        self.write_button.setToolTip(self.tr(
            "Store these numbers with the country code, merging each profile whose number another customer "
            "holds with the country code into that customer's profile; asks first"))
        self.write_button.setAutoDefault(False)
        self.write_button.setEnabled(False)
        self.write_button.clicked.connect(self.write)
        self.buttons.addButton(self.write_button, QtWidgets.QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.country_row)
        layout.addWidget(self.note)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.table_note)
        layout.addWidget(self.outcome_label)
        layout.addWidget(self.error)
        # Without the table the text stays together at the top, the buttons at the bottom.
        layout.addStretch(0)
        layout.addWidget(self.buttons)
        #: Numbers stored without a country code (None until read): none means nothing to fix.
        self.local_count: int | None = None
        # As small as the text while nothing is listed; it grows once numbers are (:meth:`_fill_table`).
        self.resize(FULL_SIZE[0], self._fitted_height(FULL_SIZE[0]))

        self.country.currentIndexChanged.connect(lambda _i: self.read())
        self.read()

    # -- state ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether the plan is being read or numbers written (tests wait on this)."""
        return self.background.busy

    @property
    def chosen(self) -> str:
        """The chosen country's ISO code ("" for none)."""
        return self.country.currentData() or ""

    def _fill_countries(self) -> None:
        from gui.import_wizard import phone_countries

        if self.workspace_country is None:
            self.country.addItem(self.tr("Choose a country"), "")
        for name, code, calling in phone_countries():
            self.country.addItem(fill(self.tr("%1 (+%2)"), name, str(calling)), code)
        view = self.country.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + self.style().pixelMetric(
            QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent) + 16)
        index = self.country.findData(self.workspace_country or "")
        self.country.setCurrentIndex(max(index, 0))

    # -- reading -------------------------------------------------------------------------------
    def read(self) -> None:
        """Read the plan for the chosen country again (on the worker thread)."""
        country = self.chosen
        self._show_note(country)
        self.write_button.setEnabled(False)
        self.view = None
        if not country:
            self.summary.setText(self.tr("Choose the country the numbers written without a country code are "
                                         "numbers of."))
            self._fill_table(())
            if self.local_count is None:
                # Whether there is anything to fix at all decides whether a country is worth asking.
                ws = self.workspace
                self.background.submit(lambda: local_phone_count(ws), self._on_count, self._on_plan_failed,
                                       key="phone-plan")
            else:
                self.background.cancel("phone-plan")
                self._on_count(self.local_count)
            return
        self.summary.setText(self.tr("Reading the phone numbers…"))
        ws = self.workspace
        self.background.submit(lambda: read_plan(ws, country), self._on_plan, self._on_plan_failed, key="phone-plan")

    def _show_note(self, country: str) -> None:
        remembered = self.workspace_country
        if not country or country == remembered:
            text = ""
        elif remembered is None:
            text = self.tr("The workspace has no phone country: later imports and the collector keep numbers "
                           "written without a country code as written. Choose the country in the import wizard "
                           "to have them read as its numbers.")
        else:
            text = fill(self.tr("The workspace reads numbers written without a country code as %1 numbers, "
                                "not %2."), remembered, country)
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _on_count(self, count: int) -> None:
        """How many numbers are stored without a country code, read while no country is chosen."""
        self.local_count = count
        if self.chosen:
            return
        if count == 0:
            self._nothing_to_fix()
        else:
            self.summary.setText(fill(_plural(count, self.tr("1 phone number is stored without a country code. "
                                                             "Choose the country it is a number of."),
                                              self.tr("%1 phone numbers are stored without a country code. "
                                                      "Choose the country they are numbers of.")), f"{count:,}"))

    def _nothing_to_fix(self) -> None:
        """No number is stored without a country code: say so, and ask nothing."""
        self.summary.setText(self.tr("No phone numbers to fix: none is stored without a country code. "
                                     "Nothing needs doing here."))
        self._show_nothing_to_fix()

    def _show_nothing_to_fix(self) -> None:
        """Leave out what only a workspace with numbers to fix needs (the country, the button), and
        fit the dialog to what is left unless it lists numbers or the user made it bigger."""
        self._mark_nothing(True)
        for widget in (self.country_row, self.note, self.write_button):
            widget.hide()
        self.write_button.setEnabled(False)
        if not self.table.isVisibleTo(self) and self.height() < FULL_SIZE[1]:
            self.resize(self.width(), self._fitted_height(self.width()))

    def _fitted_height(self, width: int) -> int:
        """The height the dialog's content needs at ``width`` (wrapped text included)."""
        layout = self.layout()
        layout.invalidate()
        layout.activate()
        if layout.hasHeightForWidth():
            return max(layout.totalHeightForWidth(width), layout.totalMinimumSize().height())
        return self.sizeHint().height()

    def _mark_nothing(self, nothing: bool) -> None:
        if bool(self.summary.property("nothing")) != nothing:
            self.summary.setProperty("nothing", nothing)
            self.summary.style().unpolish(self.summary)
            self.summary.style().polish(self.summary)

    def _on_plan(self, view: PlanView) -> None:
        if view.plan.country != self.chosen:
            return
        self.local_count = view.plan.local
        self.view = view
        self.summary.setText(self.summary_text(view.plan))
        self._fill_table(view.rows, view.labels, view.plan)
        if view.plan.local:
            self._mark_nothing(False)
            self.country_row.show()
            self.write_button.show()
            self.write_button.setEnabled(not view.plan.nothing_to_do and not self._writing)
        else:
            self._show_nothing_to_fix()

    def _on_plan_failed(self, message: str) -> None:
        self.summary.setText(self.tr("The phone numbers could not be read."))
        self._show_error(message)
        self._fill_table(())

    def summary_text(self, plan: PhonePlan) -> str:
        cc, code = plan.country, calling_prefix(plan.country)
        if not plan.local:
            return self.tr("Nothing to do: every phone number is stored with its country code.")
        lines = [fill(_plural(plan.local, self.tr("1 phone number is stored without a country code; read as a "
                                                  "%2 number (%3):"),
                              self.tr("%1 phone numbers are stored without a country code; read as %2 numbers "
                                      "(%3):")), f"{plan.local:,}", cc, code)]
        if plan.in_place:
            lines.append("• " + _plural(len(plan.in_place), self.tr("1 would be written with the country code"),
                                        self.tr("%1 would be written with the country code")))
        mergeable = len(plan.merges) - plan.refused_merges
        if mergeable:
            lines.append("• " + fill(_plural(mergeable, self.tr(
                "1 is a number another customer holds with the country code: its profile would be merged into "
                "the one that holds the %2 number"), self.tr(
                "%1 are numbers other customers hold with the country code: their profiles would be merged into "
                "the ones that hold the %2 numbers")), f"{mergeable:,}", code))
        if plan.refused_merges:
            lines.append("• " + _plural(plan.refused_merges, self.tr(
                "1 pair of profiles is left alone: both hold a user id (use Merge… if they are one person)"),
                self.tr("%1 pairs of profiles are left alone: both profiles of each pair hold a user id (use "
                        "Merge… if they are one person)")))
        if plan.already_held:
            lines.append("• " + fill(_plural(len(plan.already_held), self.tr(
                "1 copy without the country code would be removed: its customer holds the %2 number already"),
                self.tr("%1 copies without the country code would be removed: their customers hold the %2 numbers "
                        "already")), f"{len(plan.already_held):,}", code))
        if plan.not_valid:
            lines.append("• " + fill(_plural(len(plan.not_valid), self.tr(
                "1 is not a valid %2 number and would be kept as written"),
                self.tr("%1 are not valid %2 numbers and would be kept as written")), f"{len(plan.not_valid):,}", cc))
        if plan.nothing_to_do:
            lines.append(self.tr("Nothing to do: the pairs left need a decision by hand.") if plan.merges
                         else self.tr("Nothing to do: the numbers left are not valid numbers of this country."))
        return "\n".join(lines)

    def _fill_table(self, rows, labels: dict[str, str] | None = None, plan: PhonePlan | None = None) -> None:
        labels = labels or {}
        self.table.setRowCount(0)
        self.table.setRowCount(len(rows))
        for row, (what, p) in enumerate(rows):
            customer = labels.get(p.customer_id, p.customer_id)
            cells = (customer, p.number, p.e164 or "—", self._what(what, p, labels, plan))
            for column, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                item.setToolTip(fill(self.tr("Customer %1"), p.customer_id) if column == 0 else text)
                item.setData(Qt.ItemDataRole.UserRole, p.customer_id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        limit = max(self.fontMetrics().horizontalAdvance("M") * 22, 160)
        for column in range(3):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column) + 12, limit))
        total = plan.local if plan is not None else 0
        self.table_note.setText(fill(self.tr("The first %1 of %2 numbers are listed."), f"{len(rows):,}",
                                     f"{total:,}"))
        self.table_note.setVisible(total > len(rows))
        self.table.setVisible(bool(rows))
        if rows and self.height() < FULL_SIZE[1]:
            self.resize(max(self.width(), FULL_SIZE[0]), FULL_SIZE[1])

    def _what(self, what: str, p: PhoneNumber, labels: dict[str, str], plan: PhonePlan | None) -> str:
        if what == "in_place":
            return self.tr("Written with the country code")
        if what == "already":
            return self.tr("Removed: the customer holds it with the country code already")
        if what == "merge":
            holder = labels.get(p.holder_id or "", p.holder_id or "")
            if p.two_user_ids:
                return fill(self.tr("Left alone: both this customer and %1 hold a user id"), holder)
            return fill(self.tr("Profile merged into %1, who holds %2"), holder, p.e164 or "")
        return fill(self.tr("Not a valid %1 number: kept as written"), plan.country if plan else "")

    # -- writing -------------------------------------------------------------------------------
    def write(self) -> bool:
        """Ask, then write the numbers of the plan shown with the country code; whether it started."""
        if self.view is None or self.view.plan.nothing_to_do or self._writing:
            return False
        plan = self.view.plan
        if not self._confirm(self.tr("Write phone numbers with their country code"), self.question(plan)):
            return False
        self._writing = True
        self._show_error("")
        self.outcome_label.hide()
        self.write_button.setEnabled(False)
        self.country.setEnabled(False)
        self.summary.setText(self.tr("Writing the phone numbers…"))
        ws = self.workspace
        self.background.submit(lambda: write_numbers(ws, plan), self._on_written, self._on_write_failed)
        return True

    def question(self, plan: PhonePlan) -> str:
        code = calling_prefix(plan.country)
        lines = [fill(_plural(plan.actionable, self.tr("Write 1 phone number stored without a country code as a "
                                                       "%2 number (%3)?"),
                              self.tr("Write %1 phone numbers stored without a country code as %2 numbers (%3)?")),
                      f"{plan.actionable:,}", plan.country, code)]
        merges = len(plan.merges) - plan.refused_merges
        if merges:
            lines.append(fill(_plural(merges, self.tr(
                "1 pair of profiles will be merged into the profile that holds the %2 number. A merge cannot be "
                "undone."), self.tr(
                "%1 pairs of profiles will be merged into the profiles that hold the %2 numbers. A merge cannot be "
                "undone.")), f"{merges:,}", code))
        else:
            lines.append(self.tr("No profiles will be merged."))
        return "\n\n".join(lines)

    def _on_written(self, result: tuple[PhoneOutcome, str | None]) -> None:
        outcome, error = result
        self._writing = False
        self.country.setEnabled(True)
        self.outcome = outcome
        self.outcome_label.setText(self.outcome_text(outcome))
        self.outcome_label.show()
        if error is not None:
            self._show_error(fill(self.tr("Stopped by an error: %1. What was done before is kept; the rest is as "
                                          "it was: write again to do the rest."), error))
        if outcome.changed:
            self.rewritten.emit(outcome)
        self.read()

    def _on_write_failed(self, message: str) -> None:
        self._writing = False
        self.country.setEnabled(True)
        self._show_error(message)
        self.read()

    def outcome_text(self, done: PhoneOutcome) -> str:
        code = calling_prefix(done.country)
        lines = []
        if done.rewritten:
            lines.append(fill(_plural(len(done.rewritten), self.tr("Wrote 1 phone number with its country code "
                                                                   "(%2)."),
                                      self.tr("Wrote %1 phone numbers with their country code (%2).")),
                              f"{len(done.rewritten):,}", code))
        if done.removed:
            lines.append(_plural(len(done.removed), self.tr("Removed 1 copy without the country code."),
                                 self.tr("Removed %1 copies without the country code.")))
        if done.merged:
            lines.append(fill(_plural(len(done.merged), self.tr("Merged 1 pair of profiles, keeping the one with the "
                                                                "%2 number."),
                                      self.tr("Merged %1 pairs of profiles, keeping the ones with the %2 numbers.")),
                              f"{len(done.merged):,}", code))
        if done.refused:
            lines.append(_plural(len(done.refused), self.tr("Left 1 pair of profiles as it is: both hold a user id."),
                                 self.tr("Left %1 pairs of profiles as they are: both profiles of each pair hold a "
                                         "user id.")))
        if done.skipped:
            lines.append(_plural(len(done.skipped), self.tr("Left 1 number as it was: it changed while this ran."),
                                 self.tr("Left %1 numbers as they were: they changed while this ran.")))
        return "\n".join(lines) or self.tr("Nothing was changed.")

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # -- questions (overridable) ---------------------------------------------------------------
    def _confirm(self, title: str, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, title, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    # -- closing -------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        if self._writing:
            return  # the numbers are being written: closing waits for the end
        super().done(result)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802
        if self._writing:
            event.ignore()
            return
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Wait for the engine call under way and accept no more."""
        self.background.shutdown()


__all__ = ["SHOWN", "PhoneNumbersDialog", "PlanView", "read_plan", "write_numbers"]
