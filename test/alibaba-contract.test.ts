/** The request-model check every Alibaba double applies (test/contracts/alibaba-contract.ts), on its own. */
import * as assert from "node:assert/strict";
import { alibabaCallProblems } from "./contracts/alibaba-contract";

const PVTZ = "2018-01-01";
const ALIDNS = "2015-01-09";

describe("Alibaba's request models, vendored (pvtz 2018-01-01 from the SDK repository, alidns 2015-01-09 from the installed SDK)", () => {
    it("the calls the providers make conform", () => {
        for (const [version, action, params] of [
            [PVTZ, "SetZoneLbaStatus", { ZoneId: "z", Rr: "api01.source-team1.dev", Type: "A", Line: "default", Open: "true" }],
            [PVTZ, "AddZoneRecord", { ZoneId: "z", Rr: "x", Type: "CNAME", Value: "y", Ttl: "60", Line: "default", Weight: "1" }],
            [
                PVTZ,
                "UpdateZoneRecord",
                { RecordId: "5", Rr: "x", Type: "A", Value: "10.0.0.1", Ttl: "3600", Line: "default", Weight: "100" },
            ],
            [PVTZ, "UpdateZoneRecordWeight", { RecordId: "5", Weight: "0" }],
            [PVTZ, "SetZoneRecordStatus", { RecordId: "5", Status: "DISABLE" }],
            [PVTZ, "DescribeZoneRecords", { ZoneId: "z", Keyword: "x", SearchMode: "EXACT", PageSize: "100" }],
            [PVTZ, "DescribeZoneInfo", { ZoneId: "z" }],
            [ALIDNS, "SetDomainRecordStatus", { RecordId: "1", Status: "Disable" }],
            [ALIDNS, "SetDNSSLBStatus", { DomainName: "d", SubDomain: "x.d", Type: "A", Line: "default", Open: "true" }],
            [ALIDNS, "UpdateDNSSLBWeight", { RecordId: "1", Weight: "100" }],
        ] as const)
            assert.deepEqual(alibabaCallProblems(version, action, params), [], action);
    });

    it("each kind of problem, named with the call", () => {
        assert.deepEqual(alibabaCallProblems(PVTZ, "SetZoneLbaStatus", { ZoneId: "z", Rr: "x", Type: "CNAME", Open: "yes", Foo: "1" }), [
            "SetZoneLbaStatus: Foo is not a parameter of SetZoneLbaStatusRequest",
            "SetZoneLbaStatus: Line is required",
            "SetZoneLbaStatus: Open=yes is not true or false",
            "SetZoneLbaStatus: Type=CNAME is not one of A, AAAA",
        ]);
        assert.deepEqual(
            alibabaCallProblems(PVTZ, "AddZoneRecord", { ZoneId: "z", Rr: "x", Type: "A", Value: "v", Ttl: "10", Weight: "0" }),
            ["AddZoneRecord: Ttl=10 is not one of 5, 30, 60, 3600, 43200, 86400", "AddZoneRecord: Weight=0 is outside 1..100"],
        );
        assert.deepEqual(alibabaCallProblems(PVTZ, "UpdateZoneRecordWeight", { RecordId: "5", Weight: "1.5" }), [
            "UpdateZoneRecordWeight: Weight=1.5 is not an integer",
        ]);
        assert.deepEqual(alibabaCallProblems(ALIDNS, "SetDomainRecordStatus", { RecordId: "1", Status: "DISABLE" }), [
            "SetDomainRecordStatus: Status=DISABLE is not one of Enable, Disable",
        ]);
        assert.deepEqual(alibabaCallProblems(ALIDNS, "ChangeDomainGroup", {}), [
            "ChangeDomainGroup: not an action of the vendored 2015-01-09 models (AddDomainRecord, UpdateDomainRecord, DeleteDomainRecord, SetDomainRecordStatus, UpdateDNSSLBWeight, SetDNSSLBStatus, DescribeSubDomainRecords, DescribeDNSSLBSubDomains)",
        ]);
    });
});
