#!/usr/bin/env python3
"""Reads ONE cache tables the way ONE does (pandas + pyarrow) and prints what ONE would see.

    python3 scripts/check-cache-tables.py <dir with sessions.pqt and datasets.pqt>

Used to check the files alyx-local writes (hyparquet-writer + our ARROW:schema) against the real
reader: index columns, dtypes, and the ordered categorical `qc` (NOT_SET < PASS < WARNING < FAIL < CRITICAL).
"""
import json
import sys

import pandas as pd
import pyarrow.parquet as pq

d = sys.argv[1]
for name in ('sessions', 'datasets'):
    path = f'{d}/{name}.pqt'
    meta = pq.ParquetFile(path).schema_arrow.metadata or {}
    df = pd.read_parquet(path)
    print(f'{name}: {len(df)} rows, index {list(df.index.names)}')
    print('  one_metadata', json.loads(meta[b'one_metadata']))
    print('  dtypes', {k: str(v) for k, v in df.dtypes.items()})
    if name == 'datasets' and len(df):
        qc = df['qc']
        print('  qc categories', list(qc.cat.categories), 'ordered', qc.cat.ordered, '| qc <= FAIL:', int((qc <= 'FAIL').sum()))
