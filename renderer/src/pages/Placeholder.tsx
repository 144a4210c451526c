// An empty state that tells the user what to do next.
export function Placeholder({ title, hint }: { title: string; hint: string }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <div className="empty-state">
        <p>{hint}</p>
      </div>
    </section>
  );
}
