#!/usr/bin/env python3
# Part of scripts/contract.sh: usage contract-seed.py BASE ADMIN_TOKEN SUPERVISOR_TOKEN PASSWORD OUT.TOML
"""Records for schemathesis to find: one of each kind, their ids offered for `{id}` half the time."""
import datetime, json, sys, urllib.request

base, admin, supervisor, password, out = sys.argv[1:6]

def call(path, token, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as res:
        return json.load(res)

def get(path, token):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as res:
        return json.load(res)

ct01 = get("/api/v1/institutions?limit=5", admin)["items"][0]["id"]
ids = {
    "institutions": call("/api/v1/institutions", admin, {"code": "CT02", "name": "契约测试二院", "city": "上海", "local": False})["id"],
}
ids["departments"] = call("/api/v1/departments", admin, {"institution_id": ct01, "name": "心内科"})["id"]
ids["doctors"] = call("/api/v1/doctors", admin, {"department_id": ids["departments"], "name": "李建国", "title": "主任医师"})["id"]
ids["users"] = call("/api/v1/users", admin, {"username": "agent", "display_name": "坐席", "password": password,
                                             "roles": ["agent"], "institution_ids": [ct01]})["id"]
customer = call("/api/v1/customers", supervisor, {"kind": "individual", "name": "王建国", "phones": ["13812345678"]})["id"]
ids["customers"] = customer
ids["contacts"] = call(f"/api/v1/customers/{customer}/contacts", supervisor,
                       {"channel": "phone", "direction": "outbound", "subject": "术后复查提醒"})["id"]
ids["tasks"] = call("/api/v1/tasks", supervisor, {"title": "出院后第3天电话回访", "customer_id": customer})["id"]
ids["complaints"] = call("/api/v1/complaints", supervisor, {"channel": "phone", "customer_id": customer,
                                                            "description": "术后复查等候两小时无人告知"})["id"]
# SVC-4: a stay (admission raises its events and the admission-assistance task).
ids["visits"] = call("/api/v1/visits", supervisor, {"customer_id": customer, "kind": "inpatient",
                                                    "visited_at": "2026-01-05T02:00:00Z", "amount_fen": 1280000,
                                                    "insurance_fen": 700000, "external_id": "ZY-CONTRACT-1"})["id"]
# SVC-2: a resource, an extra session of the doctor in three days, a booking and a waitlist entry.
ids["clinic-resources"] = call("/api/v1/clinic-resources", admin, {"department_id": ids["departments"], "name": "彩超室",
                                                                   "kind": "ultrasound"})["id"]
in_three_days = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
ids["clinic-sessions"] = call("/api/v1/clinic-sessions", supervisor, {"doctor_id": ids["doctors"], "date": in_three_days,
                                                                      "half_day": "afternoon", "capacity": 20})["id"]
ids["appointments"] = call("/api/v1/appointments", supervisor, {"customer_id": customer, "session_id": ids["clinic-sessions"],
                                                                "kind": "expert_consultation"})["id"]
waiting = call("/api/v1/customers", supervisor, {"kind": "individual", "name": "李秀兰", "phones": ["13812345679"]})["id"]
ids["waitlist-entries"] = call(f"/api/v1/clinic-sessions/{ids['clinic-sessions']}/waitlist", supervisor,
                               {"customer_id": waiting})["id"]
# SVC-1, SVC-3: a consultation (open, so that changes and the close get past 409) and an
# in-visit service (its task's id).
ids["consultations"] = call("/api/v1/consultations", supervisor, {"channel": "hotline", "customer_id": customer,
                                                                   "question": "心内科周二有专家门诊吗？"})["id"]
import datetime
ids["in-visit-services"] = call("/api/v1/in-visit-services", supervisor, {
    "service": "result_call", "customer_id": customer,
    "reference_at": datetime.datetime.now(datetime.timezone.utc).isoformat()})["task"]["id"]

with open(out, "w") as f:
    for name, value in ids.items():
        f.write(f'[dictionaries.{name}]\nvalues = ["{value}"]\n\n')
    for name in ids:
        f.write(f'[[operations]]\ninclude-path-regex = "^/api/v1/{name}/\\\\{{id\\\\}}"\n'
                f'parameters = {{ "path.id" = {{ dictionary = "{name}", probability = 0.5 }} }}\n\n')
    # ORG-3: the calendar of CT01 for `{institution_id}` half the time.
    f.write(f'[dictionaries.calendars]\nvalues = ["{ct01}"]\n\n')
    f.write('[[operations]]\ninclude-path-regex = "^/api/v1/calendars/\\\\{institution_id\\\\}"\n'
            'parameters = { "path.institution_id" = { dictionary = "calendars", probability = 0.5 } }\n\n')
    # INT-4: the FHIR reads of the same patient and appointment.
    for name, kind in [("Patient", "customers"), ("Appointment", "appointments")]:
        f.write(f'[[operations]]\ninclude-path-regex = "^/fhir/r4/{name}/\\\\{{id\\\\}}"\n'
                f'parameters = {{ "path.id" = {{ dictionary = "{kind}", probability = 0.5 }} }}\n\n')
print(", ".join(f"{k} {v}" for k, v in ids.items()))
