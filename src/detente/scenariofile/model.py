"""The scenario file format, as pydantic models (the JSON Schema comes from here).

These models describe what a file may say; :mod:`detente.scenariofile.build`
turns a validated file into the :class:`~detente.scenario.Scenario`
value the computations use. Formulas (``=expr``) have already been replaced
by numbers when these models see the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from detente.errors import FieldError
from detente.formats.reading import MAX_ISSUE_VALUES
from detente.scenariofile.choices import choice_table, chosen, is_choice
from detente.scenariofile.claims import ClaimEntries
from detente.scenariofile.labels import Label
from detente.scenariofile.negotiation import ProtocolSpec
from detente.scenariofile.phasing import ItemSpec, PhasingSpec, TrustSpec
from detente.utility.kinds import KindSpec, ValueName, kinds


class Strict(BaseModel):
    """Base for every section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ParameterSpec(Strict):
    """A named number: its value, its plausible range and where it comes from."""

    value: float = Field(description="Point estimate used unless overridden with --set.")
    label: Label | None = None
    range: tuple[float, float] | None = Field(
        default=None, description="Plausible range [low, high] that sweeps draw from."
    )
    distribution: Literal["uniform", "triangular", "normal"] = Field(
        default="uniform",
        description="How sweeps draw within the range; triangular peaks at `mode` (default "
        "value); normal has mean `value`, sd `sd`, truncated to the range.",
    )
    mode: float | None = None
    sd: float | None = Field(default=None, gt=0)
    integer: bool = Field(
        default=False,
        description="A whole number (a count of rounds, slices, stages): sweeps round each draw.",
    )
    source: str | None = Field(
        default=None,
        description="Where the number comes from; modelling choices say 'assumption'.",
    )
    description: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ParameterSpec:
        if self.range is not None:
            low, high = self.range
            if low > high:
                raise ValueError(f"range [{low}, {high}] has its low end above its high end")
            if not low <= self.value <= high:
                raise ValueError(f"value {self.value} lies outside its range [{low}, {high}]")
        if self.distribution == "normal" and self.sd is None:
            raise ValueError("a normal distribution needs `sd`")
        return self


class ChoiceSpec(Strict):
    """A categorical parameter: labels with probabilities, one of them the point estimate.

    Written ``{value: LABEL, choices: {LABEL: probability, ...}}`` or ``choices: [LABEL, ...]``
    (equal probabilities). ``=NAME`` in a string field, and ``{select: NAME, cases: {LABEL:
    VALUE, ...}}`` wherever a value goes, use the chosen label.
    """

    value: Annotated[str, WithJsonSchema({"type": ["string", "number"]})] = Field(
        description="The label used unless overridden with --set NAME=LABEL."
    )
    label: Label | None = None
    choices: Annotated[
        dict[str, float],
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
                    {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 2},
                ]
            }
        ),
    ] = Field(
        description="Labels with their probabilities (>= 0, summing to 1), or a list of labels "
        "(equal probabilities); sweeps draw a label with its probability."
    )
    source: str | None = Field(
        default=None,
        description="Where the probabilities come from; modelling choices say 'assumption'.",
    )
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _labels(cls, data: object) -> object:
        if not isinstance(data, dict) or not is_choice(data):
            return data
        try:
            table = choice_table(data)
            label = chosen(table, data)
        except FieldError as error:
            raise ValueError(error.message) from None
        return {**data, "value": label, "choices": dict(table)}


def parameter_kind(value: Any) -> str:
    """``Choice`` for a categorical parameter's entry, else ``Number``."""
    return "Choice" if is_choice(value) or isinstance(value, ChoiceSpec) else "Number"


if TYPE_CHECKING:
    AnyParameterSpec = ParameterSpec | ChoiceSpec
else:
    AnyParameterSpec = Annotated[
        Annotated[ParameterSpec, Tag("Number")] | Annotated[ChoiceSpec, Tag("Choice")],
        Discriminator(parameter_kind),
    ]
    """A parameter entry: a number with its range, or a choice among labels."""


class VariantSpec(Strict):
    """A named counterfactual: parameters set to other values, as ``--set`` would."""

    set: dict[str, float | str] = Field(
        min_length=1,
        description="Parameter values {NAME: NUMBER or LABEL}; `detente compare` analyses the "
        "scenario with each variant's values beside the base case.",
    )
    description: str | None = None


class IssueSpec(Strict):
    """One issue: named values, an integer range, or a binary item."""

    name: str = Field(min_length=1)
    label: Label | None = None
    type: Literal["values", "integer", "item"] | None = Field(
        default=None, description="Inferred: `values` given → values; `range` → integer."
    )
    values: list[ValueName] | None = None
    range: tuple[int, int] | None = Field(default=None, description="Integer bounds, inclusive.")
    description: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> IssueSpec:
        kind = self.kind
        if kind == "values" and not self.values:
            raise ValueError(f"issue {self.name!r} needs a non-empty `values` list")
        if kind == "integer" and self.range is None:
            raise ValueError(f"integer issue {self.name!r} needs `range: [low, high]`")
        if kind == "integer" and self.range is not None:
            low, high = self.range
            if low > high:
                raise ValueError(f"issue {self.name!r}: range low end is above its high end")
            if high - low + 1 > MAX_ISSUE_VALUES:
                raise ValueError(
                    f"issue {self.name!r}: range [{low}, {high}] has {high - low + 1:,} values; "
                    f"an issue may have at most {MAX_ISSUE_VALUES:,}"
                )
        if self.values is not None and _repeats(self.values):
            raise ValueError(f"issue {self.name!r} lists a value twice (1 and 1.0 count as one)")
        return self

    @property
    def kind(self) -> Literal["values", "integer", "item"]:
        """The issue's kind, explicit or inferred."""
        if self.type is not None:
            return self.type
        return "integer" if self.range is not None else "values"


def _repeats(values: list[ValueName]) -> bool:
    """Whether two values are equal (1 and 1.0) or spelled alike (1 and "1")."""
    return len(set(values)) != len(values) or len(set(map(str, values))) != len(values)


def _utility_type(value: Any) -> str:
    """The ``type`` of a utility entry; ``linear`` when omitted."""
    if isinstance(value, dict):
        return str(value.get("type", "linear"))
    return str(getattr(value, "type", "linear"))


if TYPE_CHECKING:
    UtilitySpec = KindSpec
else:
    UtilitySpec = Annotated[
        Union[tuple(Annotated[k.spec, Tag(k.name)] for k in kinds().values())],  # noqa: UP007
        Discriminator(_utility_type),
    ]
    """A utility entry: one of the registered utility kinds' data, chosen by its ``type``."""


class FactionSpec(Strict):
    """A faction inside a party: its utility, its weight and its value of no deal."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$")
    name: str | None = None
    weight: float = Field(
        default=1.0, ge=0, description="Relative weight, >= 0; only shares within the party matter."
    )
    reservation: float | None = Field(
        default=None, description="The faction's value of no deal (default: the party's)."
    )
    utility: UtilitySpec


class RatificationSpec(Strict):
    """How a party's factions ratify a deal.

    ``majority``: the accepting factions hold at least ``threshold`` of the
    weight; ``veto``: every faction in ``players`` accepts; ``unanimity``: every
    faction with positive weight accepts; ``none``: every deal is ratified.
    """

    rule: Literal["majority", "veto", "unanimity", "none"]
    threshold: float | None = Field(
        default=None, gt=0, le=1, description="majority only: weight share in (0, 1], default 0.5."
    )
    players: list[str] | None = Field(
        default=None, min_length=1, description="veto only: the factions holding a veto."
    )
    anticipated: bool = Field(
        default=True,
        description="Whether the negotiator keeps to the win-set when negotiating (default); "
        "false: it may agree to a deal its factions then refuse (involuntary defection).",
    )

    @model_validator(mode="after")
    def _fields_fit_the_rule(self) -> RatificationSpec:
        if self.rule == "veto" and self.players is None:
            raise ValueError("a veto rule needs `players: [FACTION, ...]`")
        if self.rule != "veto" and self.players is not None:
            raise ValueError(f"`players` belongs to a veto rule, not to {self.rule!r}")
        if self.rule != "majority" and self.threshold is not None:
            raise ValueError(f"`threshold` belongs to a majority rule, not to {self.rule!r}")
        return self


class LeadingSpec(Strict):
    """The party negotiates with the utility of one faction."""

    leading: str = Field(min_length=1)


class PartySpec(Strict):
    """A negotiating party (or, with ``signatory: false``, an affected stakeholder)."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$")
    name: str | None = None
    reservation: float = Field(default=0.0, description="Utility of no deal.")
    discount: float = Field(
        default=1.0, gt=0, le=1, description="Factor per round or stage, in (0, 1]."
    )
    signatory: bool = True
    utility: UtilitySpec | None = Field(
        default=None,
        description="The negotiating utility; may be omitted when derived from `factions`.",
    )
    requires: dict[str, list[ValueName]] = Field(
        default_factory=dict,
        description="Hard constraints: the issue must take one of the listed values.",
    )
    factions: list[FactionSpec] | None = Field(
        default=None,
        min_length=1,
        description="Internal constituencies with their own utilities and weights.",
    )
    negotiating_utility: Literal["given", "derived"] | LeadingSpec | None = Field(
        default=None,
        description="`given` (the `utility` above), `derived` (weight-share sum of the "
        "factions' utilities) or `{leading: FACTION}`; default: given if `utility` is "
        "present, else derived.",
    )
    ratification: Annotated[
        RatificationSpec | Literal["majority", "veto", "unanimity", "none"] | None,
        Field(union_mode="left_to_right"),
    ] = Field(
        default=None,
        description="How the factions ratify: `{rule: majority, threshold: 0.5}`, "
        "`{rule: veto, players: [...]}`, `unanimity` or `none` (default: none).",
    )

    @field_validator("ratification", mode="before")
    @classmethod
    def _rule_name(cls, value: object) -> object:
        return {"rule": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _utility_source(self) -> PartySpec:
        if self.factions is None:
            if self.utility is None:
                raise ValueError(f"party {self.id!r} needs a `utility` (or `factions`)")
            for key in ("negotiating_utility", "ratification"):
                if getattr(self, key) is not None:
                    raise ValueError(f"party {self.id!r}: `{key}` needs a `factions` list")
            return self
        basis = self.negotiating_utility or ("given" if self.utility is not None else "derived")
        if basis == "given" and self.utility is None:
            raise ValueError(f"party {self.id!r}: negotiating_utility is given but no `utility`")
        if basis != "given" and self.utility is not None:
            raise ValueError(
                f"party {self.id!r}: give either a `utility` or a derived/leading "
                "negotiating_utility, not both"
            )
        return self


class PositionSpec(Strict):
    """A named outcome a party has put forward (or an analyst wants tracked).

    Items left out of ``outcome`` are not delivered (0); every other issue must be given.
    """

    outcome: dict[str, ValueName]
    label: Label | None = None
    held_by: str | None = Field(default=None, description="Id of the party that proposes it.")
    description: str | None = None
    source: str | None = None
    schedule: list[dict[str, float]] | None = Field(
        default=None,
        description="The order in which the position carries its items out: {item: amount} per "
        "stage (needs an items: section); `detente phase --position NAME --given` analyses it.",
    )


class SourceSpec(Strict):
    """A reference that ``source:`` fields cite as ``[@KEY]``."""

    title: str = Field(min_length=1, description="Author or outlet, title, date.")
    url: str | None = None
    note: str | None = Field(default=None, description="What the source says that the file uses.")


class ScenarioFile(Strict):
    """A detente scenario file."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        json_schema_extra={"title": "detente scenario"},
    )

    name: str = Field(min_length=1)
    description: str = ""
    parameters: dict[str, AnyParameterSpec] = Field(default_factory=dict)
    issues: list[IssueSpec] = Field(min_length=1)
    parties: list[PartySpec] = Field(min_length=2)
    positions: dict[str, PositionSpec] = Field(default_factory=dict)
    protocol: ProtocolSpec | None = None
    items: list[ItemSpec] | None = Field(
        default=None, description="Concessions a phased deal is made of (see `detente phase`)."
    )
    trust: TrustSpec | None = Field(
        default=None, description="Beliefs {truster: {trustee: hazard | beta | types}}."
    )
    phasing: PhasingSpec | None = Field(
        default=None, description="Move order, stages, objective and design constraints."
    )
    claims: ClaimEntries = Field(
        default_factory=dict,
        description="Named statements about the results, e.g. `one_shot.feasible == false` "
        "(see docs/reference/claims.md); `analyze` reports their truth, `sweep` their share.",
    )
    variants: dict[str, VariantSpec] = Field(
        default_factory=dict,
        description="Counterfactuals {NAME: {set: {PARAMETER: VALUE}, description}} that "
        "`detente compare` puts beside the base case.",
    )
    sources: dict[str, SourceSpec] = Field(
        default_factory=dict,
        description="References by key; any `source:` text cites one as `[@KEY]`, and a cited "
        "key missing here is an error.",
    )

    @model_validator(mode="after")
    def _unique_names(self) -> ScenarioFile:
        for what, names in (
            ("issue", [i.name for i in self.issues]),
            ("party id", [p.id for p in self.parties]),
        ):
            seen: set[str] = set()
            for name in names:
                if name in seen:
                    raise ValueError(f"{what} {name!r} is declared twice")
                seen.add(name)
        return self


FORMULA_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": "^=",
    "description": "A formula over the parameters, e.g. '=2 * delta'.",
}
"""A number written as a formula: what the loader accepts wherever a number goes."""


class _FormulaSchema(GenerateJsonSchema):
    """JSON Schema generation in which every number may also be a formula string."""

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        return {"anyOf": [super().float_schema(schema), FORMULA_SCHEMA]}

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return {"anyOf": [super().int_schema(schema), FORMULA_SCHEMA]}


SELECT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The value of the case of a categorical parameter's chosen label.",
    "properties": {
        "select": {"type": "string", "description": "A categorical parameter."},
        "cases": {"type": "object", "description": "A value for each of its labels."},
    },
    "required": ["select", "cases"],
    "additionalProperties": False,
}
"""``{select: NAME, cases: {LABEL: VALUE, ...}}``: what the loader accepts wherever a value goes."""

LABEL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": "^=",
    "description": "=NAME: the chosen label of a categorical parameter.",
}

_SELECT_REF = {"$ref": "#/$defs/Select"}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files as written: numbers may be ``=formula`` strings, a
    parameter may be given as a bare number or formula instead of ``{value: …}``, any value
    may be a ``{select: NAME, cases: …}`` mapping and a fixed name (``rule: veto``) may be
    ``=NAME`` of a categorical parameter.

    >>> schema = json_schema()
    >>> schema["$defs"]["PartySpec"]["properties"]["discount"]["anyOf"][0]["anyOf"][1]["pattern"]
    '^='
    """
    schema = ScenarioFile.model_json_schema(schema_generator=_FormulaSchema)
    parameters = schema["properties"]["parameters"]
    parameters["additionalProperties"] = {
        "anyOf": [parameters["additionalProperties"], {"type": "number"}, FORMULA_SCHEMA]
    }
    for name, definition in schema["$defs"].items():
        if name not in ("ParameterSpec", "ChoiceSpec", "VariantSpec", "SourceSpec"):
            _selectable(definition)
    _selectable(
        {
            "properties": {
                k: v
                for k, v in schema["properties"].items()
                if k in ("issues", "parties", "positions", "protocol", "items", "trust", "phasing")
            }
        }
    )
    value = schema["$defs"]["ParameterSpec"]["properties"]["value"]
    value["anyOf"].append(_SELECT_REF)
    schema["$defs"]["Select"] = SELECT_SCHEMA
    return schema


def _selectable(node: dict[str, Any]) -> None:
    """Let every value below ``node`` be a selection, and every fixed name ``=NAME``."""
    for key in ("properties",):
        for field, value in node.get(key, {}).items():
            node[key][field] = _with_select(value)
    for key in ("additionalProperties", "items"):
        if isinstance(node.get(key), dict):
            node[key] = _with_select(node[key])
    for key in ("anyOf", "oneOf", "prefixItems"):
        for value in node.get(key, ()):
            if isinstance(value, dict):
                _selectable(value)


def _with_select(value: dict[str, Any]) -> dict[str, Any]:
    _selectable(value)
    options = [value, _SELECT_REF]
    if "enum" in value or "const" in value:
        options.append(LABEL_SCHEMA)
    return {"anyOf": options}
