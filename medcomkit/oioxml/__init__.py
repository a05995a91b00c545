"""OIOXML"""
