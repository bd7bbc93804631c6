"""The language and region codes a tracked term may be limited to: ISO 639-1 and ISO 3166-1 alpha-2.

pycountry carries both lists (from Debian's iso-codes), so a typo such as "sp" or "UK" is caught when the
term is saved rather than sent to a platform that would refuse it or quietly ignore it.
"""

import pycountry


def language_code(value: str) -> str:
    """The ISO 639-1 code `value` names, lower case ("ES" → "es", "es-MX" → "es"), or "" when it names
    none. A regional tag keeps only its language: the region is a separate field."""
    code = value.strip().replace("_", "-").split("-")[0].lower()
    if len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None:
        return code
    return ""


def region_code(value: str) -> str:
    """The ISO 3166-1 alpha-2 code `value` is, upper case ("mx" → "MX"), or "" when it is none."""
    code = value.strip().upper()
    if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
        return code
    return ""
