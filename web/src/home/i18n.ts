// The Home screen's strings in Chinese and English (namespace `home`). The English table
// has the Chinese one's shape, so a key missing in either language fails the type check.

import { addNamespace } from "../i18n";

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const zh = {
  title: "首页",
  greeting: {
    morning: "早上好，{{name}}",
    afternoon: "下午好，{{name}}",
    evening: "晚上好，{{name}}",
  },
  today: "今天是 {{date}}",
  nothingToShow: "您目前没有可以查看的业务数据。需要访问权限时，请联系管理员。",
  retry: "重试",
  refresh: "刷新",
  viewAll: "查看全部",
  tasks: {
    title: "我的待办任务",
    count: "未完成：{{count}} 项",
    empty: "没有未完成的任务",
    overdue: "已逾期",
    dueToday: "今天到期",
    due: "截止 {{date}}",
    noDue: "无截止日期",
    more: "另有 {{count}} 项未显示",
  },
  recent: {
    title: "最近更新的记录",
    empty: "还没有您可以查看的记录",
    updated: "{{time}}更新",
    someFailed: "部分记录未能加载：{{error}}",
  },
  pipeline: {
    title: "销售漏斗",
    total: "商机：{{count}} 个",
    totalAmount: "金额合计：{{amount}}",
    lost: "已输单：{{count}} 个",
    lostAmount: "已输单：{{count}} 个（{{amount}}）",
    empty: "还没有您可以查看的商机",
    measure: "漏斗按",
    byCount: "数量",
    byAmount: "金额",
  },
  sales: {
    title: "每月销售",
    range: "时间范围",
    months: "近 {{count}} 个月",
    total: "合同：{{count}} 份",
    totalAmount: "金额合计：{{amount}}",
    empty: "此期间没有您可以查看的已签合同",
  },
  chart: {
    count: "数量",
    amount: "金额",
    contracts: "合同数",
    contractAmount: "合同金额",
  },
  withheld: "金额对您隐藏：您无权查看{{object}}的“{{field}}”字段，这里只显示数量。",
  withheldField: "金额对您隐藏：您无权查看“{{field}}”字段，这里只显示数量。",
};

const en: Shape<typeof zh> = {
  title: "Home",
  greeting: {
    morning: "Good morning, {{name}}",
    afternoon: "Good afternoon, {{name}}",
    evening: "Good evening, {{name}}",
  },
  today: "Today is {{date}}",
  nothingToShow: "There is no business data you can view yet. Ask an administrator if you need access.",
  retry: "Try again",
  refresh: "Refresh",
  viewAll: "View all",
  tasks: {
    title: "My open tasks",
    count: "Open: {{count}}",
    empty: "No open tasks",
    overdue: "Overdue",
    dueToday: "Due today",
    due: "Due {{date}}",
    noDue: "No due date",
    more: "{{count}} more not shown",
  },
  recent: {
    title: "Recently updated records",
    empty: "No records you can view yet",
    updated: "updated {{time}}",
    someFailed: "Some records could not be loaded: {{error}}",
  },
  pipeline: {
    title: "Sales pipeline",
    total: "Opportunities: {{count}}",
    totalAmount: "Total amount: {{amount}}",
    lost: "Lost: {{count}}",
    lostAmount: "Lost: {{count}} ({{amount}})",
    empty: "No opportunities you can view yet",
    measure: "Funnel by",
    byCount: "Count",
    byAmount: "Amount",
  },
  sales: {
    title: "Sales by month",
    range: "Period",
    months: "Last {{count}} months",
    total: "Contracts: {{count}}",
    totalAmount: "Total amount: {{amount}}",
    empty: "No signed contracts you can view in this period",
  },
  chart: {
    count: "Count",
    amount: "Amount",
    contracts: "Contracts",
    contractAmount: "Contract amount",
  },
  withheld: "Amounts are hidden for you: you cannot read the {{object}}'s “{{field}}” field, so only counts are shown.",
  withheldField: "Amounts are hidden for you: you cannot read the “{{field}}” field, so only counts are shown.",
};

addNamespace("home", { "zh-CN": zh, en });
