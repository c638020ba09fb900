"""Records: what a paper's mentions and entities add up to — its extraction form (``form``)."""

from textmine.records.form import FORM_KEYS, FormRules, build_form, form_of

__all__ = ["FORM_KEYS", "FormRules", "build_form", "form_of"]
