"""The 年度通报: the supervisor's yearly document on the annual reports of its region (facts.py gathers it from the
dashboard's queries and the scorecard, figures.py draws its charts, document.py writes it into the Word template
template.docx and converts it to PDF)."""
