"""Reporting: the stored reporting outcome, statutory statistics, dashboards, charts and CSV.

`outcomes` derives and stores each case's reporting outcome; `statistics` and `timeliness`
build the statutory tables from it; `dashboards` and `live_panels` the manager's dashboard;
`charts` draws its bar charts and `csv_export` writes every CSV download.
"""
