"""The bottom layer: what every codec needs (errors, language, rules, report, kinds, safe XML,
sources, files, PDF). It imports nothing else from medcomkit, so any layer may use it.
"""
