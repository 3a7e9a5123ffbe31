"""Attack cases for the core forms (see ``tests/attacks``); the account forms' are in accounts."""

from tests.attacks import Abstract

CASES = {
    "lmns.forms.ModelForm": Abstract("the base of every model form"),
    "lmns.forms.FilterSet": Abstract("the base of every filter"),
}
