"""Trustpilot: `GET /trustpilot/v1/business-units/find?name=` and
`GET /trustpilot/v1/business-units/{id}/reviews`.

The API key goes in the `apikey` header or query parameter (one of `API_KEYS`), else the
gateway's 401 fault. Reviews honour `perPage` (1-100, 20), `page`, `orderBy`
(`createdat.desc`/`createdat.asc`), `stars` and `language`, with `links` to the next page.
"""

from __future__ import annotations

from typing import Any

from care_monitor.replay.routing import Call, Reply, Route

PREFIX = "trustpilot"
SOURCE_TYPE = "trustpilot"
API_KEYS = {"replay-trustpilot-key"}


def _iso(call: Call, age_min: float) -> str:
    from datetime import timedelta

    return (call.store.anchor - timedelta(minutes=age_min)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _key_fault(call: Call) -> Reply | None:
    if (call.headers.get("apikey") or call.arg("apikey")) in API_KEYS:
        return None
    return Reply(status=401, body={"fault": {"faultstring": "Invalid ApiKey",
                                             "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}})


def review(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    rid, bu = record["id"], record["businessUnitId"]
    reply = record.get("companyReply")
    return {
        "links": [{"href": f"{call.base_url}/v1/reviews/{rid}", "method": "GET", "rel": "reviews"}],
        "id": rid,
        "consumer": {**record["consumer"], "links": [
            {"href": f"{call.base_url}/v1/consumers/{record['consumer']['id']}", "method": "GET",
             "rel": "consumers"}]},
        "businessUnit": {"id": bu, "identifyingName": call.meta()["business_units"][bu],
                         "displayName": "Nordwind"},
        "location": None,
        "stars": record["stars"],
        "title": record["title"],
        "text": record["text"],
        "language": record["language"],
        "createdAt": _iso(call, record["age_min"]),
        "experiencedAt": _iso(call, record["age_min"] + 1440),
        "updatedAt": None,
        "companyReply": None if reply is None else {
            "text": reply["text"], "authorBusinessUserId": "5f0c0000000000000000beef",
            "authorBusinessUserName": "Nordwind Care", "createdAt": _iso(call, reply["age_min"]),
            "updatedAt": None},
        "isVerified": record.get("isVerified", False),
        "source": record.get("source", "Organic"),
        "numberOfLikes": record.get("numberOfLikes", 0),
        "status": "active",
        "reportData": None,
        "complianceLabels": [],
        "countsTowardsTrustScore": True,
        "countsTowardsLocationTrustScore": None,
        "invitation": None,
        "businessUnitHistory": [],
        "reviewVerificationLevel": "verified" if record.get("isVerified") else "not-verified",
    }


def find(call: Call) -> Reply:
    fault = _key_fault(call)
    if fault:
        return fault
    name = (call.arg("name") or "").lower()
    for unit_id, identifying in call.meta()["business_units"].items():
        if identifying == name:
            return Reply(body={"links": [], "id": unit_id, "displayName": "Nordwind",
                               "name": {"identifying": identifying, "referring": [identifying]}})
    return Reply(status=404, body={"message": "Not found", "errorCode": 404})


def reviews(call: Call) -> Reply:
    fault = _key_fault(call)
    if fault:
        return fault
    unit = call.path_params["unit"]
    if unit not in call.meta()["business_units"]:
        return Reply(status=404, body={"message": "Not found", "errorCode": 404})
    per_page = call.int_arg("perPage", 20)
    if not 1 <= per_page <= 100:
        return Reply(status=400, body={"message": "perPage must be between 1 and 100", "errorCode": 400})
    stars = {int(s) for s in (call.arg("stars") or "").split(",") if s.strip().isdigit()}
    language = call.arg("language")
    records = [r for r in call.posts() if r["businessUnitId"] == unit
               and (not stars or r["stars"] in stars)
               and (language in (None, "all") or r["language"] == language)]
    if call.arg("orderBy") == "createdat.asc":
        records.reverse()
    page = call.int_arg("page", 1)
    chunk = records[(page - 1) * per_page:page * per_page]
    base = f"{call.base_url}/v1/business-units/{unit}/reviews"
    links = []
    if page * per_page < len(records):
        links.append({"href": f"{base}?page={page + 1}&perPage={per_page}", "method": "GET",
                      "rel": "next-page"})
    if page > 1:
        links.append({"href": f"{base}?page={page - 1}&perPage={per_page}", "method": "GET",
                      "rel": "prev-page"})
    return Reply(body={"reviews": [review(call, r) for r in chunk], "links": links})


def malformed() -> Reply:
    return Reply(body=b'{"reviews": [{"id": "65a1", "stars": ')


ROUTES = [
    Route("GET", r"v1/business-units/find", find),
    Route("GET", r"v1/business-units/(?P<unit>[0-9a-f]+)/reviews", reviews),
]
