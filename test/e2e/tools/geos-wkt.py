#!/usr/bin/env python3
"""GEOS validity of geometries given as WKT, for tests that compare validate's OGC verdicts.

usage: geos-wkt.py < LINES   (each line: KEY<TAB>WKT)
Prints one JSON object: {"checked": N, "invalid": {KEY: REASON, ...}}.
"""
import json
import sys

from osgeo import gdal, ogr

gdal.UseExceptions()
gdal.PushErrorHandler('CPLQuietErrorHandler')
checked, invalid = 0, {}
for line in sys.stdin:
    key, _, wkt = line.rstrip('\n').partition('\t')
    if not wkt:
        continue
    g = ogr.CreateGeometryFromWkt(wkt)
    checked += 1
    if not g.IsValid():
        gdal.ErrorReset()
        g.IsValid()
        invalid[key] = gdal.GetLastErrorMsg() or 'invalid'
print(json.dumps({'checked': checked, 'invalid': invalid}))
