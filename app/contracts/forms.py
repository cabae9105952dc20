"""Reading the contract forms: repeated fields arrive as lists, everything else as one string."""

LIST_FIELDS = frozenset(
    {"accommodations", "remediation_id", "remediation_hours", "course_code", "course_label", "course_ects"}
)


def form_data(multidict):
    """A plain dict from a request's form, with lists for the repeated fields."""
    data = {key: multidict.get(key) for key in multidict.keys() if key not in LIST_FIELDS}
    for key in LIST_FIELDS:
        data[key] = multidict.getlist(key)
    return data
