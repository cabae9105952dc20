from tests.access import CONFIGURERS, model_view

READ = {"list", "show"}
CRUD = {"list", "show", "add", "edit", "delete"}

ROUTES = (
    model_view("/facultyview", CONFIGURERS, READ)
    + model_view("/programmeview", CONFIGURERS, READ, related="faculty")
    + model_view("/studentview", CONFIGURERS, READ)
    + model_view("/registrationview", CONFIGURERS, READ)
    + model_view("/detuassignmentview", CONFIGURERS, CRUD, related="user")
    + model_view("/teacherassignmentview", CONFIGURERS, CRUD, related="student")
    + model_view("/registrarassignmentview", CONFIGURERS, CRUD, related="user")
)
