from tests.access import CONFIGURERS, model_view

ROUTES = (
    model_view("/settingsview", CONFIGURERS, {"list", "show", "edit"})
    + model_view("/campaignview", CONFIGURERS, {"list", "show", "add", "edit", "delete"})
    + model_view("/accommodationview", CONFIGURERS, {"list", "show", "edit", "action_post"}, action="deactivate")
    + model_view("/remediationview", CONFIGURERS, {"list", "show", "add", "edit", "delete"})
    + model_view("/hourvolumeview", CONFIGURERS, {"list", "show", "add", "edit", "delete"})
    + model_view("/helptextview", CONFIGURERS, {"list", "show", "edit"})
)
