/** Vouch's mark: a check in a rounded square (the same drawing as the favicon). */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#1677ff" />
      <path d="M8 9l8 15 8-15" fill="none" stroke="#fff" strokeWidth="3.2"
            strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
