"""nbgrader's CheckCellMetadata, with its JSON schema compiled once instead of once per cell.

nbgrader validates every cell's metadata with ``jsonschema.validate``, which
checks the schema itself before each use: a third of a notebook's staging and
recording time went there. Here the same checks run (nbgrader's own, through
its validator class) against a validator built once per process.
"""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Any

import jsonschema
from nbgrader.nbgraderformat import ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from nbgrader.preprocessors import CheckCellMetadata

if TYPE_CHECKING:
    from nbformat import NotebookNode


class _SchemaOnce(BaseMetadataValidator):
    """nbgrader's schema-version and schema checks of one cell, with a validator made once."""

    _validators: dict[int, Any] = {}  # schema version -> its compiled validator, for the whole process

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        if version > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        validator = self._validators.get(self.schema_version)
        if validator is None:
            cls = jsonschema.validators.validator_for(self.schema)
            cls.check_schema(self.schema)
            validator = self._validators[self.schema_version] = cls(self.schema)
        validator.validate(cell.metadata["nbgrader"])


class _Validator(MetadataValidatorV3, _SchemaOnce):
    """nbgrader's schema-3 validator; its call to the base checks lands on :class:`_SchemaOnce`."""


class CheckMetadata(CheckCellMetadata):
    """nbgrader's CheckCellMetadata step: the same checks, the same error, a schema compiled once."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        try:
            _Validator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources
