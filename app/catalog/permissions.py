"""Pages of the catalogue package, by role (see app.roles)."""
from app import roles as R

CONFIG_VIEWS = "SettingsView|CampaignView|AccommodationView|RemediationView|HourVolumeView|HelpTextView"

PERMISSIONS = {
    R.REFERENT: [(CONFIG_VIEWS, "can_.*"), ("Settings|General settings|Campaigns|Specific needs|Remediations|Hour volumes|Help texts", "menu_access")],
}
