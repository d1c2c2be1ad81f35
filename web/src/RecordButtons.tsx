// "Weigh" and "Water" buttons for one subject (water-control rows, the dashboard, the subject page):
// a small dialog records a weighing (POST /weighings) or water (POST /water-administrations) now.
import * as React from 'react';
import { useNotify } from 'react-admin';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { api } from './api.ts';

function nowLocal(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:00`;
}

type Kind = 'weight' | 'water';

const WHAT: Record<Kind, { title: string; label: string; unit: string; path: string; field: string; done: string }> = {
  weight: { title: 'Record a weighing', label: 'Weight (g)', unit: 'g', path: '/weighings', field: 'weight', done: 'Weighing' },
  water: { title: 'Give water', label: 'Water (mL)', unit: 'mL', path: '/water-administrations', field: 'water_administered', done: 'Water' },
};

export function RecordButtons({ nickname, onDone }: { nickname: string; onDone?: () => void }) {
  const [open, setOpen] = React.useState<Kind | null>(null);
  const [value, setValue] = React.useState('');
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const notify = useNotify();
  const close = () => {
    setOpen(null);
    setValue('');
    setError(null);
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!open) return;
    const w = WHAT[open];
    const amount = Number(value);
    if (!value || !Number.isFinite(amount) || amount < 0) {
      setError('Enter a positive number.');
      return;
    }
    setBusy(true);
    try {
      await api(w.path, { method: 'POST', body: { subject: nickname, [w.field]: amount, date_time: nowLocal() } });
      notify(`${w.done} recorded for ${nickname}: ${amount} ${w.unit}`, { type: 'info' });
      close();
      onDone?.();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const w = open ? WHAT[open] : null;
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <Button size="medium" variant="outlined" sx={{ mr: 1, minHeight: 40 }} onClick={() => setOpen('weight')} aria-label={`Weigh ${nickname}`}>
        Weigh
      </Button>
      <Button size="medium" variant="outlined" sx={{ minHeight: 40 }} onClick={() => setOpen('water')} aria-label={`Give water to ${nickname}`}>
        Water
      </Button>
      <Dialog open={!!open} onClose={close}>
        <form onSubmit={submit}>
          <DialogTitle>
            {w?.title} — {nickname}
          </DialogTitle>
          <DialogContent>
            <TextField
              autoFocus
              name={w?.field}
              label={w?.label}
              type="number"
              slotProps={{ htmlInput: { step: 'any', min: 0, inputMode: 'decimal' } }}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              error={!!error}
              helperText={error ?? ' '}
              sx={{ mt: 1, minWidth: 240 }}
            />
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={busy}>
              Save
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </span>
  );
}
