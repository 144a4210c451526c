// I420 region → float CHW model tensor in one pass: separable anti-aliased luma, nearest chroma, cached tap tables.
import type { Frame, Region } from './frame.js';

export interface PreprocessSpec {
  size: number;
  channelOrder: 'rgb' | 'bgr';
  resize: 'letterbox' | 'stretch';
  /** Per channel in the model channel order. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** Letterbox padding value (0..255, before normalisation). */
  padValue: number;
}

/** Maps model-input pixels back to source pixels: src = offset + input * scale. */
export interface Transform {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  /** Region bounds, for clamping decoded boxes. */
  maxX: number;
  maxY: number;
}

interface AxisTaps {
  /** Taps per output sample. */
  k: number;
  /** First source index per output sample (relative to the region). */
  first: Int32Array;
  /** k weights per output sample, summing to 1 (float64: no float32 → double conversion in the hot loop). */
  weight: Float64Array;
  /** Nearest source index (for chroma). */
  near: Int32Array;
}

interface IndexMaps {
  nw: number;
  nh: number;
  scaleX: number;
  scaleY: number;
  x: AxisTaps;
  y: AxisTaps;
}

// BT.601 limited range (what ffmpeg's yuv420p output uses by default), as lookup tables.
const RV = new Float32Array(256);
const GU = new Float32Array(256);
const GV = new Float32Array(256);
const BU = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  RV[i] = 1.596 * (i - 128);
  GU[i] = -0.392 * (i - 128);
  GV[i] = -0.813 * (i - 128);
  BU[i] = 2.017 * (i - 128);
}

/**
 * Triangle-filter taps for `n` outputs over `len` inputs at `scale` input px per output px. Up to 2× it is plain
 * bilinear (cv2 INTER_LINEAR, what these models were trained with; a wider filter cut NanoDet's coco8 recall from
 * 0.50 to 0.33); beyond 2× the triangle widens with the factor so big downscales do not alias.
 */
function axisTaps(n: number, len: number, scale: number): AxisTaps {
  const radius = Math.max(1, scale / 2);
  // Bilinear needs two taps; wider triangles need ceil(2r) + 1.
  const k = Math.min(len, radius === 1 ? 2 : Math.ceil(2 * radius) + 1);
  const first = new Int32Array(n);
  const weight = new Float64Array(n * k);
  const near = new Int32Array(n);
  for (let d = 0; d < n; d++) {
    const c = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), len - 1);
    near[d] = Math.min(len - 1, Math.round(c));
    // The window stays inside the source; at the edges it shifts and the taps past the centre's reach weigh zero.
    const lo = Math.max(0, Math.min(radius === 1 ? Math.floor(c) : Math.floor(c - radius) + 1, len - k));
    first[d] = lo;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const w = Math.max(0, 1 - Math.abs(lo + j - c) / radius);
      weight[d * k + j] = w;
      sum += w;
    }
    if (sum <= 0) {
      weight[d * k + Math.min(k - 1, Math.max(0, (near[d] as number) - lo))] = 1;
      sum = 1;
    }
    for (let j = 0; j < k; j++) weight[d * k + j] = (weight[d * k + j] as number) / sum;
  }
  return { k, first, weight, near };
}

/** Index maps per (region size → input size, mode); a camera's regions repeat a handful of sizes. */
export class Preprocessor {
  private readonly maps = new Map<string, IndexMaps>();
  private readonly scale: Float32Array;
  private readonly bias: Float32Array;
  private readonly plane: Int32Array;
  private readonly padNorm: Float32Array;
  private rowBuf = new Float64Array(0);
  private chromaCol = new Int32Array(0);
  readonly tensorLength: number;

  constructor(readonly spec: PreprocessSpec) {
    const S = spec.size;
    this.tensorLength = 3 * S * S;
    // Per model channel index: out = v * scale + bias.
    this.scale = new Float32Array(spec.std.map((s) => 1 / s));
    this.bias = new Float32Array(spec.mean.map((m, i) => -m / (spec.std[i] as number)));
    // Plane offset for R, G, B.
    const order = spec.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
    this.plane = new Int32Array(order.map((c) => c * S * S));
    this.padNorm = new Float32Array([0, 1, 2].map((c) => spec.padValue * (this.scale[c] as number) + (this.bias[c] as number)));
  }

  private mapsFor(w: number, h: number): IndexMaps {
    const key = `${w}x${h}`;
    let m = this.maps.get(key);
    if (m) return m;
    const S = this.spec.size;
    let nw = S;
    let nh = S;
    if (this.spec.resize === 'letterbox') {
      const r = Math.min(S / w, S / h);
      nw = Math.max(1, Math.min(S, Math.round(w * r)));
      nh = Math.max(1, Math.min(S, Math.round(h * r)));
    }
    const scaleX = w / nw;
    const scaleY = h / nh;
    m = { nw, nh, scaleX, scaleY, x: axisTaps(nw, w, scaleX), y: axisTaps(nh, h, scaleY) };
    if (this.maps.size > 64) this.maps.clear();
    this.maps.set(key, m);
    return m;
  }

  /** Writes the region of the frame into out[offset .. offset + tensorLength) and returns the way back. */
  run(frame: Frame, region: Region, out: Float32Array, offset = 0): Transform {
    const S = this.spec.size;
    const SS = S * S;
    const W = frame.width;
    const H = frame.height;
    const rx = region.x;
    const ry = region.y;
    const m = this.mapsFor(region.width, region.height);
    const { nw, nh } = m;
    const { k: kx, first: fx, weight: wx, near: nx } = m.x;
    const { k: ky, first: fy, weight: wy, near: ny } = m.y;
    const rw = region.width;
    if (this.rowBuf.length < rw) this.rowBuf = new Float64Array(rw);
    const row = this.rowBuf;
    // Chroma column of each output column for this region's x offset.
    if (this.chromaCol.length < nw) this.chromaCol = new Int32Array(S);
    const ccol = this.chromaCol;
    for (let dx = 0; dx < nw; dx++) ccol[dx] = (rx + (nx[dx] as number)) >> 1;
    const src = frame.data;
    const cw = W >> 1;
    const uBase = W * H;
    const vDelta = cw * (H >> 1);
    const pR = offset + (this.plane[0] as number);
    const pG = offset + (this.plane[1] as number);
    const pB = offset + (this.plane[2] as number);
    // Model channel index of R, G, B is the plane position.
    const cR = (this.plane[0] as number) / SS;
    const cG = (this.plane[1] as number) / SS;
    const cB = (this.plane[2] as number) / SS;
    const kR = this.scale[cR] as number;
    const bR = this.bias[cR] as number;
    const kG = this.scale[cG] as number;
    const bG = this.bias[cG] as number;
    const kB = this.scale[cB] as number;
    const bB = this.bias[cB] as number;

    for (let dy = 0; dy < nh; dy++) {
      const crow = uBase + ((ry + (ny[dy] as number)) >> 1) * cw;
      const o = dy * S;
      const y0 = ry + (fy[dy] as number);
      const wb = dy * ky;
      const bilinear = kx === 2 && ky === 2;
      const rowA = y0 * W + rx;
      const rowB = rowA + W;
      const wA = wy[wb] as number;
      const wB = ky > 1 ? (wy[wb + 1] as number) : 0;
      if (!bilinear) {
        // Vertical pass: filter the source rows of this output row into one float row.
        let w = wA;
        for (let x = 0; x < rw; x++) row[x] = (src[rowA + x] as number) * w;
        for (let j = 1; j < ky; j++) {
          w = wy[wb + j] as number;
          if (w === 0) continue;
          const base = (y0 + j) * W + rx;
          for (let x = 0; x < rw; x++) row[x] = (row[x] as number) + (src[base + x] as number) * w;
        }
      }
      if (bilinear) {
        // The common case (downscale ≤ 2×): four taps straight from the Y plane.
        for (let dx = 0; dx < nw; dx++) {
          const f0 = fx[dx] as number;
          const a0 = wx[2 * dx] as number;
          const a1 = wx[2 * dx + 1] as number;
          const yv = ((src[rowA + f0] as number) * a0 + (src[rowA + f0 + 1] as number) * a1) * wA + ((src[rowB + f0] as number) * a0 + (src[rowB + f0 + 1] as number) * a1) * wB;
          const ci = crow + (ccol[dx] as number);
          const u = src[ci] as number;
          const v = src[ci + vDelta] as number;
          const yl = 1.164 * yv - 18.624;
          const R = yl + (RV[v] as number);
          const G = yl + (GU[u] as number) + (GV[v] as number);
          const B = yl + (BU[u] as number);
          out[pR + o + dx] = (R < 0 ? 0 : R > 255 ? 255 : R) * kR + bR;
          out[pG + o + dx] = (G < 0 ? 0 : G > 255 ? 255 : G) * kG + bG;
          out[pB + o + dx] = (B < 0 ? 0 : B > 255 ? 255 : B) * kB + bB;
        }
      } else {
        for (let dx = 0; dx < nw; dx++) {
          const f0 = fx[dx] as number;
          const xb = dx * kx;
          let yv = 0;
          for (let j = 0; j < kx; j++) yv += (row[f0 + j] as number) * (wx[xb + j] as number);
          const ci = crow + (ccol[dx] as number);
          const u = src[ci] as number;
          const v = src[ci + vDelta] as number;
          const yl = 1.164 * yv - 18.624;
          const R = yl + (RV[v] as number);
          const G = yl + (GU[u] as number) + (GV[v] as number);
          const B = yl + (BU[u] as number);
          out[pR + o + dx] = (R < 0 ? 0 : R > 255 ? 255 : R) * kR + bR;
          out[pG + o + dx] = (G < 0 ? 0 : G > 255 ? 255 : G) * kG + bG;
          out[pB + o + dx] = (B < 0 ? 0 : B > 255 ? 255 : B) * kB + bB;
        }
      }
      // Right padding of this row (letterbox places the image top-left).
      if (nw < S) {
        for (let c = 0; c < 3; c++) out.fill(this.padNorm[c] as number, offset + c * SS + o + nw, offset + c * SS + o + S);
      }
    }
    if (nh < S) {
      for (let c = 0; c < 3; c++) out.fill(this.padNorm[c] as number, offset + c * SS + nh * S, offset + (c + 1) * SS);
    }
    return {
      scaleX: m.scaleX,
      scaleY: m.scaleY,
      offsetX: rx,
      offsetY: ry,
      maxX: rx + region.width,
      maxY: ry + region.height,
    };
  }
}
