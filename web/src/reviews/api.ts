// The calls the review screens make.

import { api } from "../api/client";
import type {
  CampaignDetail, Campaign, DormantReport, Item, MyReviews, OnDeadline, Page, Report, ScopeKind,
} from "./types";

export interface CampaignBody {
  name: string;
  scope: ScopeKind;
  department_id?: number | null;
  role_ids?: number[] | null;
  deadline: string;
  on_deadline: OnDeadline;
  reason: string;
}

export interface ItemFilters {
  reviewer?: number;
  user?: number;
  decided?: boolean;
}

export const reviewsApi = {
  campaigns: (status: "open" | "closed" | undefined, cursor: string | null, limit = 20) =>
    api.get<Page<Campaign>>("/reviews", { status, cursor, limit }),
  campaign: (id: number) => api.get<CampaignDetail>(`/reviews/${id}`),
  start: (body: CampaignBody) => api.post<CampaignDetail>("/reviews", body),
  items: (id: number, filters: ItemFilters, cursor: string | null, limit = 50) =>
    api.get<Page<Item>>(`/reviews/${id}/items`, { ...filters, cursor, limit }),
  report: (id: number) => api.get<Report>(`/reviews/${id}/report`),
  close: (id: number, body: { version: number; reason: string; undecided: OnDeadline }) =>
    api.post<CampaignDetail>(`/reviews/${id}/close`, body),
  mine: (cursor: string | null, limit = 100) => api.get<MyReviews>("/me/reviews", { cursor, limit }),
  certify: (item: Item, reason: string | null) =>
    api.post<Item>(`/review-items/${item.id}/certify`, { version: item.version, reason }),
  revoke: (item: Item, reason: string) =>
    api.post<Item>(`/review-items/${item.id}/revoke`, { version: item.version, reason }),
  dormant: (days: number, dormantOnly: boolean, cursor: string | null, limit = 50) =>
    api.get<DormantReport>("/access/dormant", { days, dormant_only: dormantOnly, cursor, limit }),
};
