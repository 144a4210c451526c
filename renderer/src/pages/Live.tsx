// Live: every camera in a grid (1, 4, 9 or 16), with state and a highlight while a person is seen; one camera full size.
import type { EventDto } from '@common/contract/index.js';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { DemoOffer } from '../components/DemoOffer.js';
import { LivePlayer } from '../components/LivePlayer.js';
import { StateBadge } from '../components/StateBadge.js';
import { ErrorText } from '../components/ErrorText.js';
import { useAction, useCall, useTopic } from '../lib/api.js';
import { useCameraStates } from '../lib/live-state.js';

const LAYOUTS = [1, 4, 9, 16] as const;

/** Cameras with an event in progress, by label, updated as events start and end. */
function useActiveEvents(): Map<string, Set<string>> {
  const [active, setActive] = useState(new Map<string, Map<string, string>>());
  const onEvent = useCallback((e: EventDto) => {
    setActive((prev) => {
      const next = new Map(prev);
      const cam = new Map(next.get(e.cameraId) ?? []);
      if (e.end === null && !e.falsePositive) cam.set(e.id, e.label);
      else cam.delete(e.id);
      next.set(e.cameraId, cam);
      return next;
    });
  }, []);
  useTopic('event.changed', onEvent);
  return new Map([...active].map(([cam, evs]) => [cam, new Set(evs.values())]));
}

export function LivePage() {
  const cameras = useCall('cameras.list', {});
  const states = useCameraStates();
  const active = useActiveEvents();
  const [layout, setLayout] = useState<(typeof LAYOUTS)[number]>(4);
  const navigate = useNavigate();
  const { cameraId } = useParams();
  const list = cameras.data ?? [];

  if (cameraId) {
    const cam = list.find((c) => c.id === cameraId);
    if (!cam) return <ErrorText error={cameras.error ?? (cameras.isSuccess ? new Error('No such camera') : null)} />;
    return (
      <section aria-labelledby="page-title">
        <header className="page-header">
          <h1 id="page-title">{cam.name}</h1>
          <div className="row">
            <StateBadge state={states.get(cam.id)} />
            <Link to="/live">Back to all cameras</Link>
          </div>
        </header>
        <div className="tile tile-single" id="single-tile">
          <LivePlayer cameraId={cam.id} label={cam.name} view="full" />
        </div>
        <div className="row" style={{ marginTop: 12 }}>
          <button type="button" onClick={() => void document.getElementById('single-tile')?.requestFullscreen()}>
            Full screen
          </button>
          {cam.onvif?.ptz && <PtzControls cameraId={cam.id} />}
        </div>
      </section>
    );
  }

  const shown = list.slice(0, layout);
  const cols = Math.sqrt(layout);
  return (
    <section aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">Live</h1>
        <div className="row" role="group" aria-label="Layout">
          {LAYOUTS.map((n) => (
            <button key={n} type="button" aria-pressed={layout === n} className={layout === n ? 'selected' : ''} onClick={() => setLayout(n)}>
              {n === 1 ? '1' : `${Math.sqrt(n)}×${Math.sqrt(n)}`}
            </button>
          ))}
        </div>
      </header>
      <ErrorText error={cameras.error} />
      {cameras.isSuccess && list.length === 0 && (
        <div className="empty-state">
          <h2>Welcome to Porchlight</h2>
          <p>Everything your cameras see stays on this machine. Start by adding a camera, or watch a demo first.</p>
          <DemoOffer>
            <Link className="button" to="/cameras">
              Add a camera by its address
            </Link>
          </DemoOffer>
        </div>
      )}
      <div className="grid" style={{ gridTemplateColumns: `repeat(${cols}, 1fr)` }}>
        {shown.map((cam) => {
          const labels = active.get(cam.id);
          const person = labels?.has('person');
          return (
            <article
              key={cam.id}
              className={`tile ${person ? 'tile-alert' : ''}`}
              aria-label={cam.name}
              data-testid="live-tile"
              tabIndex={0}
              onDoubleClick={() => void navigate(`/live/${cam.id}`)}
              onKeyDown={(e) => e.key === 'Enter' && void navigate(`/live/${cam.id}`)}
            >
              <LivePlayer cameraId={cam.id} label={cam.name} view="grid" />
              <div className="tile-bar">
                <Link to={`/live/${cam.id}`} className="tile-name">
                  {cam.name}
                </Link>
                {labels && labels.size > 0 && <span className="tile-detected">{[...labels].join(', ')} detected</span>}
                <StateBadge state={states.get(cam.id)} />
              </div>
            </article>
          );
        })}
      </div>
    </section>
  );
}

function PtzControls({ cameraId }: { cameraId: string }) {
  const ptz = useAction('cameras.ptz');
  const move = (x: number, y: number, zoom = 0) => ptz.mutate({ id: cameraId, action: 'move', x, y, zoom });
  const stop = () => ptz.mutate({ id: cameraId, action: 'stop' });
  const btn = (label: string, x: number, y: number, zoom = 0) => (
    <button type="button" aria-label={label} onPointerDown={() => move(x, y, zoom)} onPointerUp={stop} onKeyDown={(e) => e.key === 'Enter' && move(x, y, zoom)} onKeyUp={stop}>
      {label}
    </button>
  );
  return (
    <div className="row" role="group" aria-label="Pan, tilt and zoom">
      {btn('Left', -0.5, 0)}
      {btn('Up', 0, 0.5)}
      {btn('Down', 0, -0.5)}
      {btn('Right', 0.5, 0)}
      {btn('Zoom in', 0, 0, 0.5)}
      {btn('Zoom out', 0, 0, -0.5)}
      <ErrorText error={ptz.error} />
    </div>
  );
}
