"""Relationship Marketing & CRM Workbook helpers."""
