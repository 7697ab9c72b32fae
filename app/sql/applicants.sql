-- 2019/2021 formats: new requests by applicant type.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year,
       m.applicant,
       CASE m.applicant WHEN 'natural_person' THEN '自然人' WHEN 'business' THEN '商业企业'
            WHEN 'research' THEN '科研机构' WHEN 'social_org' THEN '社会公益组织'
            WHEN 'legal_service' THEN '法律服务机构' WHEN 'other_org' THEN '其他组织' END AS applicant_zh,
       m.value, m.raw, m.source, m.locator
FROM sel s JOIN mv m USING (report_id)
WHERE m.metric = 'request.new' AND m.applicant IS NOT NULL AND m.applicant <> 'total'
ORDER BY s.list_order, m.applicant;
