"""Each member's statistics: 我的学习档案, a member's record for staff, the list of members
below the yearly target, the hours targets page, their exports and the record's API."""
from . import Case, post

CASES = {
    "records.mine": [Case("/my/record", "302 200 200 200 200 200 302")],
    "records.mine_export": [Case("/my/record.csv", "302 200 200 200 200 200 302")],
    "records.member": [Case("/stats/members/{member}", "302 403 403 200 200 200 302")],
    "records.member_export": [
        Case("/stats/members/{member}/record.xlsx", "302 403 403 200 200 200 302"),
    ],
    "records.below_target": [
        Case("/stats/below-target", "302 403 200 200 200 200 302"),
        Case("/stats/below-target?branch={branch}", "302 403 403 200 200 200 302"),
    ],
    "records.below_target_export": [
        Case("/stats/below-target.pdf?branch={branch}", "302 403 403 200 200 200 302"),
    ],
    "records.targets": [
        Case("/stats/targets", "302 403 403 403 200 200 302"),
        post("/stats/targets", "302 403 403 403 302 302 302", year="2026", member="32",
             cadre="56"),
    ],
    "api.member_record": [
        Case("/api/v1/stats/members/{member}", "401 200 403 200 200 200 401"),
    ],
}
