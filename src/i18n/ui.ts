// Interface strings in both languages (lesson text lives in lessons/<lang>/). Shared by the
// Astro components (build time) and the browser scripts.
export const LANGS = ["zh", "en"] as const;
export type Lang = (typeof LANGS)[number];

export const ui = {
  zh: {
    siteTitle: "archlab · 电商平台架构实战",
    courseMap: "课程地图",
    chapters: "章节",
    onThisPage: "本页内容",
    previous: "上一章",
    next: "下一章",
    minutes: "分钟",
    switchLang: "English",
    theme: "切换深色/浅色主题",
    skip: "跳到正文",
    menu: "目录",
    lab: "动手实验",
    startLab: "启动实验环境",
    resetLab: "重置环境",
    starting: "正在启动实验环境…",
    ready: "环境已就绪",
    failed: "环境启动失败",
    noServer: "没有连接到实验服务器。在项目目录运行 `npm start`，再打开它打印的地址。",
    startFirst: "请先启动实验环境。",
    noSuchTab: "这个实验没有名为 {host} 的终端。",
    runOn: "在 {host} 上运行",
    check: "检查",
    checking: "检查中…",
    passed: "通过",
    notYet: "还没有完成",
    expected: "期望",
    actual: "实际",
    showHint: "显示提示",
    moreHint: "下一条提示",
    solution: "查看答案",
    run: "运行",
    copy: "复制",
    copied: "已复制",
    stepDone: "已完成",
    reconnecting: "连接中断，正在重新连接…",
    shellExited: "Shell 已退出，按回车重新打开。",
    newShell: "实验服务器重启过，原来的 Shell 无法恢复；这是一个新的 Shell。",
    engineRetrying: "Docker 引擎暂时不可用（正在重启），自动重试中…",
    topology: "实验拓扑",
    hostPending: "等待",
    hostCreating: "创建中",
    hostStarting: "启动中",
    hostWaiting: "等待就绪",
    hostReady: "就绪",
    hostFailed: "失败",
    confirmReset: "重置会删除当前环境并清空本实验的进度，确定吗？",
    instructorTyping: "讲师正在操作你的终端，你的键盘暂停输入。",
    controlBack: "讲师已把终端交还给你。",
    workshopLeft: "剩余",
    workshopEnded: "你的工作坊时间已结束，进度已保存。需要更多时间请联系讲师。",
    workshopEnvReset: "讲师为你重置了实验环境。",
    workshopEnvIdle: "长时间没有操作，实验环境已回收，进度已保存。点击“启动实验环境”继续。",
    workshopJoin: "这台服务器正在进行工作坊：请先加入",
    fromInstructor: "讲师通知",
    dismiss: "关闭",
  },
  en: {
    siteTitle: "archlab · E-commerce architecture, hands-on",
    courseMap: "Course map",
    chapters: "Chapters",
    onThisPage: "On this page",
    previous: "Previous",
    next: "Next",
    minutes: "min",
    switchLang: "中文",
    theme: "Toggle dark/light theme",
    skip: "Skip to content",
    menu: "Menu",
    lab: "Hands-on lab",
    startLab: "Start the lab",
    resetLab: "Reset environment",
    starting: "Starting your lab environment…",
    ready: "Environment ready",
    failed: "The environment failed to start",
    noServer:
      "No lab server is connected. Run `npm start` in the project folder and open the address it prints.",
    startFirst: "Start the lab environment first.",
    noSuchTab: "This lab has no terminal named {host}.",
    runOn: "Run on {host}",
    check: "Check",
    checking: "Checking…",
    passed: "Passed",
    notYet: "Not done yet",
    expected: "Expected",
    actual: "Actual",
    showHint: "Show a hint",
    moreHint: "Next hint",
    solution: "Show the solution",
    run: "Run",
    copy: "Copy",
    copied: "Copied",
    stepDone: "Done",
    reconnecting: "Connection lost, reconnecting…",
    shellExited: "The shell exited; press Enter to open a new one.",
    newShell: "The lab server restarted and the old shell could not be kept; this is a new shell.",
    engineRetrying: "Engine unavailable (the Docker engine is restarting), retrying…",
    topology: "Lab topology",
    hostPending: "pending",
    hostCreating: "creating",
    hostStarting: "starting",
    hostWaiting: "waiting",
    hostReady: "ready",
    hostFailed: "failed",
    confirmReset:
      "Resetting deletes this environment and clears your progress in this lab. Continue?",
    instructorTyping: "The instructor is typing in your terminal; your keyboard is paused.",
    controlBack: "The instructor gave the terminal back to you.",
    workshopLeft: "left",
    workshopEnded:
      "Your workshop time is over; your progress is saved. Ask the instructor for more time.",
    workshopEnvReset: "The instructor reset your lab environment.",
    workshopEnvIdle:
      "Your environment was removed after a long idle time; your progress is saved. Press “Start the lab” to continue.",
    workshopJoin: "This server runs a workshop: join it first",
    fromInstructor: "From the instructor",
    dismiss: "Dismiss",
  },
} as const;

export type UiKey = keyof (typeof ui)["zh"];

export function t(lang: Lang, key: UiKey): string {
  return ui[lang][key];
}

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

/** Picks the text for `lang` from a lab's LocalizedText. */
export function localized(text: string | { zh: string; en: string }, lang: Lang): string {
  return typeof text === "string" ? text : text[lang];
}
