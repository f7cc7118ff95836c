"""The SPEC §5 validation in DuckDB, over the same CSV files `cparctl extract --all` reads: the yardstick of §11.

Usage: python3 duckdb_validate.py EMR_DIR AS_OF [RUNS] [SUMMARY_FILE]
Prints the fastest wall time in seconds (each run: a fresh in-memory DuckDB connection, all its threads, every
file read with its parallel CSV reader). SUMMARY_FILE gets the valid/excluded count per panel, to compare with
cparctl's output.

What the query computes, per membership row of panel-import.csv (patient_id, panel, confirmation_date):
- last_visit: the latest appointments.csv date <= AS_OF (unreadable dates ignored) whose status is not
  cancelled/canceled/no_show/no show (any case), with any provider;
  (dates, statuses and genders are compared trimmed of spaces, as cparctl reads them; IDs as they are);
- the reason flags: NOT_ACTIVE, MISSING_PHN, INVALID_PHN (not 9 digits after removing spaces and dashes),
  PHN_CHECK_DIGIT (Alberta Luhn check; a warning, as cparctl's default), MISSING_DOB (empty or not a date),
  MISSING_FAMILY_NAME, MISSING_GENDER (not M/F/X), NO_LAST_VISIT, LAST_VISIT_BEFORE_DOB, NO_CONFIRMATION_DATE,
  UNKNOWN_PATIENT (absent from patients.csv), DUPLICATE_PHN (a well-formed PHN held by another paneled patient);
- valid = no flag but the warning.
The per-patient result, with the payload fields, is materialised as a table ordered by panel and PHN (as the
payloads are), then counted per panel. Rows of patients.csv with a wrong field count are skipped by DuckDB
(ignore_errors), so those patients count as unknown: excluded either way.
"""
import sys
import time

import duckdb

QUERY = """
CREATE OR REPLACE TABLE result AS
WITH
m AS (
    SELECT patient_id, panel, try_cast(trim(confirmation_date) AS DATE) AS confirmed
    FROM read_csv('{d}/panel-import.csv', header = true, all_varchar = true)
),
p AS (
    SELECT patient_id, phn, family_name, given_name, gender, status,
           try_cast(trim(dob) AS DATE) AS dob,
           regexp_replace(coalesce(phn, ''), '[ -]', '', 'g') AS phn9
    FROM read_csv('{d}/patients.csv', header = true, all_varchar = true, ignore_errors = true)
),
v AS (
    SELECT patient_id, max(d) AS last_visit
    FROM (SELECT patient_id, try_cast(trim(date) AS DATE) AS d, lower(trim(status)) AS s
          FROM read_csv('{d}/appointments.csv', header = true, all_varchar = true, ignore_errors = true))
    WHERE d <= DATE '{as_of}' AND s NOT IN ('cancelled', 'canceled', 'no_show', 'no show')
    GROUP BY patient_id
),
j AS (
    SELECT m.patient_id, m.panel, m.confirmed, p.patient_id IS NOT NULL AS known, p.phn9, p.family_name,
           p.given_name, p.dob, upper(trim(coalesce(p.gender, ''))) AS gender, lower(trim(coalesce(p.status, ''))) AS status,
           v.last_visit,
           regexp_full_match(coalesce(p.phn9, ''), '[0-9]{{9}}') AS phn_ok
    FROM m LEFT JOIN p ON p.patient_id = m.patient_id LEFT JOIN v ON v.patient_id = m.patient_id
),
dup AS (
    SELECT phn9 FROM j WHERE phn_ok GROUP BY phn9 HAVING count(DISTINCT patient_id) > 1
),
f AS (
    SELECT j.*,
        known AND status <> 'active' AS not_active,
        known AND phn9 = '' AS missing_phn,
        known AND phn9 <> '' AND NOT phn_ok AS invalid_phn,
        CASE WHEN known AND phn_ok THEN (
            (10 - (
                  CAST(phn9[1] AS INT) + (CAST(phn9[2] AS INT) * 2) % 9 + CASE WHEN phn9[2] = '9' THEN 9 ELSE 0 END
                + CAST(phn9[3] AS INT) + (CAST(phn9[4] AS INT) * 2) % 9 + CASE WHEN phn9[4] = '9' THEN 9 ELSE 0 END
                + CAST(phn9[6] AS INT) + (CAST(phn9[7] AS INT) * 2) % 9 + CASE WHEN phn9[7] = '9' THEN 9 ELSE 0 END
                + CAST(phn9[8] AS INT) + (CAST(phn9[9] AS INT) * 2) % 9 + CASE WHEN phn9[9] = '9' THEN 9 ELSE 0 END
            ) % 10) % 10 <> CAST(phn9[5] AS INT)) ELSE false END AS phn_check_digit,
        known AND dob IS NULL AS missing_dob,
        known AND trim(coalesce(family_name, '')) = '' AS missing_family_name,
        known AND gender NOT IN ('M', 'F', 'X') AS missing_gender,
        known AND last_visit IS NULL AS no_last_visit,
        known AND last_visit < dob AS last_visit_before_dob,
        confirmed IS NULL AS no_confirmation_date,
        NOT known AS unknown_patient,
        known AND phn_ok AND phn9 IN (SELECT phn9 FROM dup) AS duplicate_phn
    FROM j
)
SELECT *, NOT (not_active OR missing_phn OR invalid_phn OR coalesce(missing_dob, false) OR missing_family_name
               OR missing_gender OR no_last_visit OR coalesce(last_visit_before_dob, false)
               OR no_confirmation_date OR unknown_patient OR duplicate_phn) AS valid
FROM f
ORDER BY panel, phn9
"""

SUMMARY = """
SELECT panel, count(*) FILTER (WHERE valid) AS valid, count(*) FILTER (WHERE NOT valid) AS excluded,
       count(*) FILTER (WHERE phn_check_digit) AS warned
FROM result GROUP BY panel ORDER BY panel
"""


def main():
    emr_dir, as_of = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    summary_file = sys.argv[4] if len(sys.argv) > 4 else None
    query = QUERY.format(d=emr_dir, as_of=as_of)
    best, rows = None, None
    for _ in range(runs):
        start = time.perf_counter()
        con = duckdb.connect()
        con.execute(query)
        rows = con.execute(SUMMARY).fetchall()
        con.close()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    if summary_file:
        with open(summary_file, "w") as f:
            for panel, valid, excluded, warned in rows:
                f.write(f"{panel} {valid} {excluded} {warned}\n")
    print(f"{best:.3f}")


if __name__ == "__main__":
    main()
