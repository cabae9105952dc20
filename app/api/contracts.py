"""``/api/v1/contracts/``: the contracts a caller may read, by page, by id, as PDF.

Thin endpoints: rows come from ``app.policy`` (lists through its SQL filter, one contract through
its by-id function), what each reader gets of a contract from ``resource``, the ``q`` argument
from ``query``. Callers authenticate with a JWT (``/api/v1/security/login``), an API key
(``Authorization: Bearer sst_…``) or a browser session.
"""
from flask import Response, request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect
from sqlalchemy import func, select

from app import policy
from app.api import openapi
from app.api.errors import KeyErrors
from app.api.query import MAX_ID, BadQuery, ContractQuery
from app.api.resource import contract_detail, contract_summary, instant, summary_select
from app.contracts.models import Contract
from app.documents import pdf
from app.extensions import db
from app.people.models import utcnow
from app.privacy.reads import API, record_reads


class ContractApi(KeyErrors, BaseApi):
    resource_name = "contracts"
    allow_browser_login = True
    class_permission_name = "ContractApi"
    method_permission_name = {"get_list": "read", "get": "read", "pdf": "read"}
    openapi_spec_tag = "Contracts"

    def add_apispec_components(self, api_spec):
        super().add_apispec_components(api_spec)
        openapi.add_components(api_spec)

    def caller(self):
        return self.appbuilder.sm.current_user

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get_list(self):
        """The contracts the caller may read, in ascending id order
        ---
        get:
          operationId: listContracts
          summary: List the contracts the caller may read
          description: >-
            A summary of each contract, in ascending id order. To read everything (or everything
            changed since a date) read forward by id: start without `after_id`, then ask again
            with `after_id` set to the answer's `next_after_id` until it is null. This order never
            skips a contract, whatever changes meanwhile, and each page costs the same.
          parameters:
          - in: query
            name: q
            description: Filters and paging, in rison (or JSON).
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/ContractListQuery'
                examples:
                  changedSince:
                    summary: Changed since a date, 100 per page
                    value: {filters: [{col: updated_at, opr: gt, value: '2026-09-01T00:00:00Z'}], page_size: 100}
                  nextPage:
                    summary: The next page of a read forward by id
                    value: {filters: [{col: faculty_code, opr: in, value: [SCI]}], after_id: 25, page_size: 100}
          responses:
            200:
              description: One page of contracts
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/ContractList'
            400:
              $ref: '#/components/responses/400'
        """
        try:
            query = ContractQuery.from_q(request.args.get("q"))
        except BadQuery as exc:
            return self.response_400(message=str(exc))
        as_of = utcnow()
        visible = policy.visible_contracts(self.caller())
        rows_query = summary_select(visible).where(*query.conditions, Contract.id > query.after_id)
        rows = db.session.execute(
            rows_query.order_by(Contract.id).offset(query.offset).limit(query.page_size + 1)
        ).all()
        more = len(rows) > query.page_size
        rows = rows[: query.page_size]
        record_reads([row[0] for row in rows], API, user=self.caller())  # the read log (app.privacy)
        count = None
        if not query.cursor:
            count = db.session.scalar(
                select(func.count()).select_from(Contract).where(visible, *query.conditions)
            )
        return self.response(
            200,
            count=count,
            ids=[row[0] for row in rows],
            result=[contract_summary(row) for row in rows],
            next_after_id=rows[-1][0] if more else None,
            page_size=query.page_size,
            as_of=instant(as_of),
        )

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @safe
    def get(self, pk):
        """One contract, complete for what the caller may read
        ---
        get:
          operationId: getContract
          summary: Get one contract
          description: >-
            The complete contract. Parts the caller may not read are left out and named in
            `withheld`. Answers carry an `ETag`: send it back in `If-None-Match` to get 304 when
            nothing changed.
          parameters:
          - ContractId
          - in: header
            name: If-None-Match
            required: false
            schema: {type: string}
            description: The ETag of a previous answer.
          responses:
            200:
              description: The contract
              headers:
                ETag:
                  schema: {type: string}
              content:
                application/json:
                  schema:
                    $ref: '#/components/schemas/Contract'
            304:
              description: Not modified since the ETag sent in If-None-Match
            400:
              $ref: '#/components/responses/400'
            404:
              $ref: '#/components/responses/404'
        """
        contract, refusal = self._readable(pk)
        if refusal is not None:
            return refusal
        record_reads([contract.id], API, user=self.caller())
        response = self.response(200, **contract_detail(contract, self.caller()))
        response.add_etag()
        return response.make_conditional(request)

    @expose("/<int:pk>/pdf", methods=["GET"])
    @protect()
    @safe
    def pdf(self, pk):
        """The contract's PDF, as printed for the student
        ---
        get:
          operationId: getContractPdf
          summary: Get one contract as PDF
          description: >-
            The document the student and the university keep (never the counsellor's comment).
            A caller who may not read the contract's health-related needs gets 403 for a contract
            that has some: the PDF shows every need.
          parameters:
          - ContractId
          responses:
            200:
              description: The PDF
              content:
                application/pdf:
                  schema: {type: string, format: binary}
            400:
              $ref: '#/components/responses/400'
            404:
              $ref: '#/components/responses/404'
        """
        contract, refusal = self._readable(pk)
        if refusal is not None:
            return refusal
        if not policy.can_read_health_needs(self.caller(), contract) and any(
            item.accommodation.health_related for item in contract.accommodations
        ):
            return self.response(403, message="This contract's PDF shows health-related needs this account may not read.")
        record_reads([contract.id], API, user=self.caller())
        response = Response(pdf.contract_pdf(contract), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{pdf.pdf_filename(contract)}"'
        return response

    def _readable(self, pk):
        """(contract, None) or (None, the 400/404 answer)."""
        if not 1 <= pk <= MAX_ID:
            return None, self.response_400(message=f"A contract id is between 1 and {MAX_ID}.")
        contract = policy.readable_contract(self.caller(), pk)
        if contract is None:
            return None, self.response_404()
        return contract, None
