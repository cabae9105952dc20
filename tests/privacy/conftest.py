"""Helpers for the privacy tests: the read log as plain tuples, demo rows by name."""
from sqlalchemy import select


def reads(app):
    """[(reader login, acting-as login or None, contract id, channel)] in the order written."""
    from app.extensions import db
    from app.privacy.models import ContractRead

    with app.app_context():
        rows = db.session.scalars(select(ContractRead).order_by(ContractRead.id)).all()
        return [(r.reader.username, r.user.username if r.impersonator_id else None, r.contract_id, r.channel)
                for r in rows]


def user_id(app, username):
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username).id


def own_contract_id(app, username):
    """The current year's initial contract of a demo student account."""
    from app.catalog.models import Settings
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Student

    with app.app_context():
        student = db.session.scalar(select(Student).where(Student.user_id == user_id(app, username)))
        year = db.session.get(Settings, 1).current_year
        return db.session.scalar(select(Contract.id).where(Contract.student_id == student.id, Contract.year == year))


def programme_contract_ids(app, step, year=None):
    from app.catalog.models import Settings
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Programme

    with app.app_context():
        query = select(Contract.id).join(Programme, Contract.programme_id == Programme.id).where(Programme.step_code == step)
        if year == "current":
            query = query.where(Contract.year == db.session.get(Settings, 1).current_year)
        return sorted(db.session.scalars(query).all())


def programme_id(app, step):
    from app.extensions import db
    from app.people.models import Programme

    with app.app_context():
        return db.session.scalar(select(Programme.id).where(Programme.step_code == step))
