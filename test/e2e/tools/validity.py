#!/usr/bin/env python3
"""GEOS validity of every polygon in a tileset, read back tile by tile through GDAL's MVT driver.

usage: validity.py TILESET_DIR MINZOOM MAXZOOM [--make-valid]
Prints one JSON object: totals, per zoom counts, per tile polygon area (in tile units squared,
whole geometry as written: CLIP=NO keeps the buffer, where invalidity matters too) and the first
invalid features with GEOS's reason.
"""
import json
import os
import sys

from osgeo import gdal

gdal.UseExceptions()
gdal.SetConfigOption('OGR_MVT_ENFORE_EXTERNAL_RING_IS_CLOCKWISE', 'YES')
gdal.PushErrorHandler('CPLQuietErrorHandler')

root, zmin, zmax = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
# --make-valid: areas of the geometries as GEOS MakeValid repairs them (a reference for the areas of
# a tileset whose polygons were written unrepaired).
make_valid = '--make-valid' in sys.argv[4:]
meta = json.load(open(os.path.join(root, 'metadata.json')))
dim0 = float(meta.get('tile_dimension_zoom_0', 40075016.68557849))

out = {'polygons': 0, 'invalid': 0, 'zooms': {}, 'areas': {}, 'examples': []}
for z in range(zmin, zmax + 1):
    zdir = os.path.join(root, str(z))
    if not os.path.isdir(zdir):
        continue
    unit = dim0 / 2 ** z / 4096
    zs = out['zooms'].setdefault(str(z), {'polygons': 0, 'invalid': 0})
    for x in sorted(os.listdir(zdir), key=int):
        for name in sorted(os.listdir(os.path.join(zdir, x))):
            y = name.split('.')[0]
            path = os.path.join(zdir, x, name)
            ds = gdal.OpenEx(path, gdal.OF_VECTOR, open_options=['CLIP=NO'])
            area = 0.0
            for li in range(ds.GetLayerCount()):
                layer = ds.GetLayer(li)
                for f in layer:
                    g = f.GetGeometryRef()
                    if g is None or 'POLYGON' not in g.GetGeometryName():
                        continue
                    out['polygons'] += 1
                    zs['polygons'] += 1
                    area += (g.MakeValid() if make_valid and not g.IsValid() else g).GetArea() / (unit * unit)
                    if not g.IsValid():
                        out['invalid'] += 1
                        zs['invalid'] += 1
                        if len(out['examples']) < 20:
                            out['examples'].append({'tile': f'{z}/{x}/{y}', 'layer': layer.GetName(), 'mvt_id': f.GetField('mvt_id')})
            out['areas'][f'{z}/{x}/{y}'] = round(area, 3)
            ds = None
print(json.dumps(out))
