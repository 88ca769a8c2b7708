/** A long action's progress, announced to screen readers as it moves. */
export function Progress({ label, fraction }: { label: string; fraction: number }) {
  const percent = Math.round(fraction * 100);
  return (
    <div class="progress">
      <label for="upload-progress">
        {label} {percent}%
      </label>
      <progress id="upload-progress" max={100} value={percent} aria-valuetext={`${percent}%`} />
    </div>
  );
}
