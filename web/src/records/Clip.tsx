/** A list cell's value on one line of at most `width` pixels, so one long name cannot take
 * over a list. With `shrink`, it also gives way first when the list is too wide for its
 * window: the column narrows (down to its header) before any other does. A value that does
 * not fit is cut with an ellipsis and its whole text is the cell's title; the full text
 * stays in the page for screen readers and searches. */

import type { CSSProperties, MouseEvent, ReactNode } from "react";

// A grid track from nothing to the content's width: the cell asks for no minimum width, so
// the table's automatic layout narrows this column (and not the others) when room is short.
const SHRINKS: CSSProperties = { display: "grid", gridTemplateColumns: "minmax(0, max-content)" };
const KEEPS: CSSProperties = { display: "grid", gridTemplateColumns: "max-content" };
const CUT: CSSProperties = { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" };

function titleWhenCut(e: MouseEvent<HTMLSpanElement>): void {
  const el = e.currentTarget;
  if (el.scrollWidth > el.clientWidth) el.title = el.textContent ?? "";
  else el.removeAttribute("title");
}

interface Props {
  width: number;
  shrink: boolean;
  children: ReactNode;
}

export default function Clip({ width, shrink, children }: Props) {
  return (
    <div style={shrink ? SHRINKS : KEEPS}>
      <span style={{ ...CUT, maxWidth: width }} onMouseEnter={titleWhenCut} data-clip>
        {children}
      </span>
    </div>
  );
}
