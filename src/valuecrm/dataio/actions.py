"""`import_records`: the one way a spreadsheet becomes records, for the CLI, the API and
the import wizard (which hands big files to the worker with `queue_import`).

How it runs, in one pass over the file (see docs/import-export.md):
1. the header is mapped to columns (aliases, then the caller's mapping);
2. every row is converted and validated like the API validates (`full_clean()` on the model
   instance), its owner checked against the actor's rights, its duplicate keys compared with
   earlier rows of the file;
3. every `batch_size` rows, the batch's keys are looked up in the database (all alive records,
   not only the actor's: a duplicate the actor cannot see is reported without its details),
   then the batch is written with bulk inserts/updates and their history rows;
4. everything runs in one transaction: by default the first invalid row stops the writing and
   the transaction is rolled back at the end, so a file with any invalid row imports nothing,
   while the remaining rows are still validated so the report lists every problem.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import Forbidden
from valuecrm.core.records import ensure_can_write
from valuecrm.dataio import writes
from valuecrm.dataio.convert import Converter, References
from valuecrm.dataio.kinds import KINDS, Kind, header_aliases, header_key
from valuecrm.dataio.models import ImportJob
from valuecrm.dataio.readers import Sheet, UnreadableFile, open_path, open_sheet
from valuecrm.dataio.report import ErrorReport, RowError, reports_dir
from valuecrm.org.scope import can_create, can_own
from valuecrm.sales.models import ContractLine, Opportunity, Stage
from valuecrm.usage.actions import track

ON_DUPLICATE = ("skip", "update", "create")
# Rows created before the table's statistics are first refreshed, then at each doubling.
ANALYZE_FIRST = 1_000


@dataclass
class ImportOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    on_duplicate: str | None = None  # None: a duplicate is a row error
    mapping: dict[str, str] = field(default_factory=dict)  # header -> column name ("" ignores)
    file_name: str = ""
    batch_size: int = 1000
    # progress(total, unit) returns update(position); total is None when unknown.
    progress: Callable[[int | None, str], Callable[[int], None]] | None = None


@dataclass
class ImportResult:
    job_id: int
    kind: str
    status: str
    rows: int
    created: int
    updated: int
    skipped: int
    invalid: int
    errors: list[RowError]
    error_count: int
    error_report: str | None
    file_format: str
    encoding: str
    ignored_columns: list[str]

    @property
    def ok(self) -> bool:
        return self.status in (ImportJob.Status.IMPORTED, ImportJob.Status.CHECKED)


@dataclass
class Candidate:
    """A valid row waiting for its batch: the unsaved record and the cell values it gave."""

    row: int
    obj: object
    values: dict
    line: ContractLine | None = None
    keys: dict = field(default_factory=dict)


def _compact(value: tuple):
    """The form a key value is remembered in: a one-part key as its value alone, which
    saves a tuple per row and key (about 100 MB for a million leads keyed by phone and
    email)."""
    return value[0] if len(value) == 1 else value


class RecordFactory:
    """Builds unsaved records exactly as `model(**values)` does, at a third of the cost
    (a million rows spend ~20 s in Model.__init__ looking up every field's default): a
    copy of one record holding the defaults, with callable defaults (created_at's clock)
    called again, then the row's values set through the same attributes. Falls back to the
    constructor when something listens to the model's init signals."""

    def __init__(self, model):
        self.model = model
        self.signals = pre_init.has_listeners(model) or post_init.has_listeners(model)
        self.defaults = vars(model()).copy()
        del self.defaults["_state"]
        self.called = [f for f in model._meta.concrete_fields
                       if f.has_default() and callable(f.default)]

    def __call__(self, values: dict):
        if self.signals:
            return self.model(**values)
        obj = self.model.__new__(self.model)
        obj.__dict__.update(self.defaults)
        obj._state = ModelState()
        for clock in self.called:
            setattr(obj, clock.attname, clock.get_default())
        for name, value in values.items():
            setattr(obj, name, value)
        return obj


class FileError(Exception):
    def __init__(self, message: str, *, column: str = "", row: int | None = None):
        super().__init__(message)
        self.message, self.column, self.row = message, column, row


def check_options(kind: str, options: ImportOptions) -> Kind:
    """Shape errors of the request itself, raised before any job is recorded."""
    if kind not in KINDS:
        raise ValidationError({"kind": [_("Import one of: %(kinds)s.") % {
            "kinds": ", ".join(KINDS)}]})
    if options.on_duplicate not in (None, *ON_DUPLICATE):
        raise ValidationError({"on_duplicate": [_("Use skip, update or create.")]})
    spec = KINDS[kind]
    names = {c.name for c in spec.columns if c.importable}
    unknown = sorted(f for f in options.mapping.values() if f and f not in names)
    if unknown:
        raise ValidationError({"mapping": [
            _("No column %(names)s for %(kind)s; use one of: %(allowed)s.")
            % {"names": ", ".join(unknown), "kind": kind, "allowed": ", ".join(sorted(names))}
        ]})
    return spec


def _check_allowed(actor, kind: str, options: ImportOptions) -> Kind:
    ensure_can_write(actor)
    spec = check_options(kind, options)
    if not can_create(actor, spec.model):
        raise Forbidden(_("Only an administrator can add %(kind)s.")
                        % {"kind": spec.model._meta.verbose_name_plural}, code="admin_only")
    return spec


def _new_job(actor, kind: str, name: str, options: ImportOptions) -> ImportJob:
    return ImportJob.objects.create(
        kind=kind, actor=actor, file_name=Path(name).name[:255],
        options={"dry_run": options.dry_run, "skip_invalid": options.skip_invalid,
                 "on_duplicate": options.on_duplicate, "mapping": options.mapping},
    )


def queue_import(*, actor, kind: str, path: str | Path, options: ImportOptions) -> ImportJob:
    """Record an import of the file at `path` and run it in the worker once the caller's
    transaction commits (`import_file_task`), for files too big to import while a person
    waits on a request. The job shows as running until the worker has finished it."""
    _check_allowed(actor, kind, options)
    job = _new_job(actor, kind, options.file_name or Path(path).name, options)
    from valuecrm.dataio.tasks import import_file_task

    transaction.on_commit(lambda: import_file_task.enqueue(job.pk, str(path)))
    return job


def import_records(
    *, actor, kind: str, source: str | Path | BinaryIO, options: ImportOptions | None = None,
    job: ImportJob | None = None,
) -> ImportResult:
    """Import a CSV or XLSX file (a path or a seekable binary stream) of `kind` records;
    `job` is the record of a queued import (`queue_import`), otherwise one is made."""
    options = options or ImportOptions()
    spec = _check_allowed(actor, kind, options)
    name = options.file_name or str(getattr(source, "name", source) or "")
    job = job or _new_job(actor, kind, name, options)
    report = ErrorReport(reports_dir() / f"{job.pk}-{kind}-errors.csv")
    run = _Run(actor, spec, options, report)
    opened = size = None
    try:
        if isinstance(source, (str, Path)):
            opened, size = open_path(source)
        sheet = open_sheet(opened or source, size, name)
        job.file_format, job.encoding = sheet.file_format, sheet.encoding
        run.read(sheet)
    except UnreadableFile as exc:
        run.fail(FileError(str(exc)))
    except FileError as exc:
        run.fail(exc)
    finally:
        if opened is not None:
            opened.close()
    result = run.finish(job)
    track(actor, "import", "run")
    return result


class _Run:
    """The state of one import: column map, duplicate keys seen, the batch, the counts."""

    def __init__(self, actor, spec: Kind, options: ImportOptions, report: ErrorReport):
        self.actor, self.spec, self.options, self.report = actor, spec, options, report
        self.model = spec.model
        self.references = References(actor)
        self.line_fields = {c.name for c in spec.line_columns}
        self.columns: dict[str, list[tuple[int, str]]] = {}
        self.converters: dict[str, Converter] = {}
        self.ignored: list[str] = []
        self.seen: dict[tuple[str, ...], dict] = {}
        self.batch: list[Candidate] = []
        self.rows = self.created = self.updated = self.skipped = 0
        self.invalid_rows = 0
        self.failed = self.file_failed = False
        self.default_stage = None
        if self.model is Opportunity:
            self.default_stage = Stage.objects.filter(is_active=True).first()
        self.new = RecordFactory(self.model)
        self.analyze_at = ANALYZE_FIRST

    # --- the header -------------------------------------------------------------------

    def map_header(self, header: list[str]) -> None:
        aliases = header_aliases(self.spec)
        custom = {header_key(h): f for h, f in self.options.mapping.items()}
        for index, text in enumerate(header):
            key = header_key(text)
            name = custom.get(key, aliases.get(key)) if key else ""
            if name:
                self.columns.setdefault(name, []).append((index, text.strip()))
            elif name is None and key:
                self.ignored.append(text.strip())
        missing = [g for g in self.spec.required if not any(n in self.columns for n in g)]
        if missing:
            names = " / ".join(self._label(n) for n in missing[0])
            raise FileError(
                _("Missing required column: %(names)s. Rename a header or map it with "
                  "--map \"HEADER=%(field)s\".") % {"names": names, "field": missing[0][0]},
                column=names, row=1)
        for name in self.columns:
            self.converters[name] = Converter(self._field(name), self.references)

    def _field(self, name: str):
        model = ContractLine if name in self.line_fields else self.model
        return model._meta.get_field(name)

    def _label(self, name: str) -> str:
        """The column as the user's file calls it, or its standard header."""
        if name in self.columns:
            return self.columns[name][0][1]
        column = self.spec.column(name)
        return f"{column.zh} / {column.en}"

    # --- rows ------------------------------------------------------------------------------

    @property
    def writing(self) -> bool:
        return not self.options.dry_run and (self.options.skip_invalid or not self.failed)

    def read(self, sheet: Sheet) -> None:
        self.map_header(sheet.header)
        update = self.options.progress(sheet.size, sheet.unit) if self.options.progress else None
        try:
            with transaction.atomic():
                writes.take_import_lock(self.model)
                for number, cells in sheet.rows:
                    if not any(cell.strip() for cell in cells):
                        continue
                    self.rows += 1
                    candidate = self.parse(number, cells)
                    if candidate is not None and self.first_in_file(candidate):
                        self.batch.append(candidate)
                    if len(self.batch) >= self.options.batch_size:
                        self.flush()
                        if update:
                            update(sheet.position())
                self.flush()
                if update:
                    update(sheet.position())
                if self.rows == 0:
                    raise FileError(_("The file has a header but no data rows."), row=2)
                if (self.failed and not self.options.skip_invalid) or self.options.dry_run:
                    transaction.set_rollback(True)
        except DatabaseError as exc:
            raise FileError(_("The database refused the import: %(error)s") % {
                "error": exc}) from None

    def error(self, row: int | None, column: str, value: str, messages) -> None:
        for message in messages:
            self.report.add(RowError(row, self._label(column) if column else "", value,
                                     str(message)))

    def invalid(self, row: int, errors: list[tuple[str, str, list]]) -> None:
        self.invalid_rows += 1
        self.failed = True
        for column, value, messages in errors:
            self.error(row, column, value, messages)

    def parse(self, number: int, cells: list[str]) -> Candidate | None:
        values, line_values, errors = {}, {}, []
        given: dict[str, str] = {}
        for name, places in self.columns.items():
            # Several columns may map to one field (手机 and 电话): the first filled one wins.
            raw = next((cells[i].strip() for i, _h in places
                        if i < len(cells) and cells[i].strip()), "")
            if not raw:
                continue
            given[name] = raw
            try:
                value = self.converters[name](raw)
            except ValidationError as exc:
                errors.append((name, raw, exc.messages))
                continue
            (line_values if name in self.line_fields else values)[name] = value
        obj = self.new(values)
        errors += self.check_owner(obj, values, given)
        if not errors:
            errors += self.clean(obj, values, given)
        line = None
        if not errors and line_values:
            line, line_errors = self.build_line(line_values, given)
            errors += line_errors
            if line is not None:
                obj.total_amount = line.line_total
        if errors:
            self.invalid(number, errors)
            return None
        return Candidate(number, obj, values, line)

    def check_owner(self, obj, values: dict, given: dict) -> list:
        if not hasattr(obj, "owner_id"):
            return []
        if "owner" not in values:
            obj.owner = self.actor
            return []
        if not can_own(self.actor, obj.owner):
            return [("owner", given["owner"], [_("You cannot give records to this person.")])]
        return []

    def clean(self, obj, values: dict, given: dict) -> list:
        """The model's own validation, as the API runs it. References were resolved in the
        actor's scope above, so they are not looked up again row by row; uniqueness is
        checked per batch (duplicate keys) and check constraints are mirrored in clean()
        and enforced by the database."""
        if self.default_stage is not None and "stage" not in values:
            obj.stage = self.default_stage
        resolved = [f.name for f in self.model._meta.fields
                    if f.many_to_one and getattr(obj, f.attname) is not None]
        try:
            obj.full_clean(exclude=resolved, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            return self.field_errors(exc, given)
        return []

    def field_errors(self, exc: ValidationError, given: dict) -> list:
        found = []
        for name, messages in exc.message_dict.items():
            column = name if name in {c.name for c in self.spec.columns} else ""
            found.append((column, given.get(name, ""), messages))
        return found

    def build_line(self, values: dict, given: dict):
        if "product" not in values:
            return None, [("product", "", [_("Give the product of the line item.")])]
        product = values["product"]
        line = ContractLine(
            product=product, quantity=values.get("quantity", 1),
            unit_price=values.get("unit_price", product.list_price),
            discount_percent=values.get("discount_percent", 0),
        )
        try:
            line.full_clean(exclude=["contract", "product"])
        except ValidationError as exc:
            return None, self.field_errors(exc, given)
        return line, []

    # --- duplicates ----------------------------------------------------------------------

    def keys(self) -> tuple[tuple[str, ...], ...]:
        if self.options.on_duplicate == "create":
            return self.spec.unique_keys
        return self.spec.duplicate_keys

    def first_in_file(self, candidate: Candidate) -> bool:
        """Register the row's keys; a repeat of an earlier row is skipped or an error."""
        for key in self.keys():
            value = tuple(getattr(candidate.obj, attr) for attr in key)
            if any(v in ("", None) for v in value):
                continue
            candidate.keys[key] = value
            earlier = self.seen.get(key, {}).get(_compact(value))
            if earlier is None:
                continue
            if self.options.on_duplicate == "skip":
                self.skipped += 1
            else:
                column = writes.key_column(key)
                self.invalid(candidate.row, [(column, str(value[-1]), [
                    _("Duplicate of row %(row)s (same %(column)s).")
                    % {"row": earlier, "column": self._label(column)}])])
            return False
        for key, value in candidate.keys.items():
            self.seen.setdefault(key, {})[_compact(value)] = candidate.row
        return True

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        matches = writes.existing_matches(self.model, batch, self.keys())
        creates, updates = [], []
        for candidate in batch:
            found = matches.get(candidate.row)
            pks = set().union(*found.values()) if found else set()
            if not found:
                creates.append(candidate)
            elif self.options.on_duplicate == "skip":
                self.skipped += 1
            elif self.options.on_duplicate == "update" and len(pks) == 1:
                updates.append((candidate, pks.pop()))
            else:
                self.duplicate_in_database(candidate, found, pks)
        now = timezone.now()
        updates, fields = self.prepare_updates(updates, now)
        if self.writing:
            writes.create(self.actor, self.model, creates, self.options.batch_size)
            writes.update(self.actor, self.model, updates, fields, self.options.batch_size, now)
        self.created += len(creates)
        self.updated += len(updates)
        if self.writing and self.created >= self.analyze_at:
            writes.refresh_statistics(self.model)
            self.analyze_at = 2 * self.created

    def duplicate_in_database(self, candidate: Candidate, found: dict, pks: set) -> None:
        visible = writes.visible_labels(self.actor, self.model, pks)
        errors = []
        for key, key_pks in found.items():
            column = writes.key_column(key)
            pk = key_pks[0]
            if len(pks) > 1:
                message = _("Matches several existing records; update them one at a time.")
            elif pk in visible:
                message = _("Already exists: %(kind)s “%(name)s” (ID %(id)s).") % {
                    "kind": self.model._meta.verbose_name, "name": visible[pk], "id": pk}
            else:
                message = _("Already exists: a %(kind)s with the same %(column)s belongs to "
                            "someone else.") % {"kind": self.model._meta.verbose_name,
                                                "column": self._label(column)}
            errors.append((column, str(candidate.keys[key][-1]), [message]))
        self.invalid(candidate.row, errors)

    def prepare_updates(self, updates: list, now) -> tuple[list, set[str]]:
        """Apply each row's cells to the record it matched, if the actor may change it."""
        editable = writes.editable(self.actor, self.model, {pk for _c, pk in updates})
        references = [f.name for f in self.model._meta.fields if f.many_to_one]
        ready, fields = [], set()
        for candidate, pk in updates:
            target = editable.get(pk)
            if target is None:
                self.invalid(candidate.row, [("", "", [
                    _("Already exists, and you may not change it (it belongs to someone "
                      "else).")])])
                continue
            changed = writes.apply_changes(self.model, target, candidate.values, now)
            try:
                target.full_clean(exclude=references, validate_unique=False,
                                  validate_constraints=False)
            except ValidationError as exc:
                self.invalid(candidate.row, self.field_errors(exc, {}))
                continue
            fields |= changed
            ready.append((candidate, target))
        return ready, fields

    # --- the end ---------------------------------------------------------------------------

    def fail(self, exc: FileError) -> None:
        self.failed = self.file_failed = True
        self.report.add(RowError(exc.row, exc.column, "", exc.message))

    def finish(self, job: ImportJob) -> ImportResult:
        refused = self.file_failed or (self.failed and not self.options.skip_invalid)
        if refused:
            status = ImportJob.Status.FAILED
            if not self.options.dry_run or self.file_failed:
                self.created = self.updated = 0
        elif self.options.dry_run:
            status = ImportJob.Status.CHECKED
        else:
            status = ImportJob.Status.IMPORTED
        job.status, job.rows, job.invalid = status, self.rows, self.invalid_rows
        job.created, job.updated, job.skipped = self.created, self.updated, self.skipped
        job.error_report = self.report.close() or ""
        job.finished_at = timezone.now()
        job.save()
        return ImportResult(
            job_id=job.pk, kind=job.kind, status=status, rows=self.rows, created=self.created,
            updated=self.updated, skipped=self.skipped, invalid=self.invalid_rows,
            errors=self.report.first, error_count=self.report.count,
            error_report=job.error_report or None, file_format=job.file_format,
            encoding=job.encoding, ignored_columns=self.ignored,
        )
