// Stand-ins for Microsoft's office.js (Office, Excel, OfficeRuntime, CustomFunctions) for tests/test_chromium.py.
//
// Served in place of https://appsforoffice.microsoft.com/lib/1/hosted/office.js, so that xlwings' own
// JavaScript client (xlwings-server's static/js, unmodified) runs in headless Chromium against `dnqp serve`.
// The workbook is an in-memory model: globalThis.__DNQP_BOOK__ = {name, sheets: [{name, values: 2-D}]}
// set by the test before the page loads. It follows the documented behaviour of the Excel JavaScript API
// where dnqp relies on it:
// - sheet names are unique without regard to case (worksheets.add of "dnqp_Weights" next to "DNQP_Weights"
//   fails with ItemAlreadyExists; getItem finds a sheet in any case);
// - Range.values / Range.numberFormat take a 2-D array of the range's size, or a 1×1 array or a single value
//   applied to every cell; null in an array leaves that cell as it is
//   (learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-blank-null-values;
//   OfficeDev/office-js-docs-pr#5400); other sizes fail with InvalidArgument;
// - empty cells read as "" and unformatted cells as "General";
// - Office.onReady() has resolved before the page's body is parsed (the start-up race of issue 10 L).
// Every context.sync() is counted in __officeStub.syncs (the workbook round trips).
(function () {
  "use strict";
  const stub = { syncs: 0, actions: {}, dialogs: [], functions: {}, log: [] };
  globalThis.__officeStub = stub;

  function officeError(code, message) {
    const e = new Error(message);
    e.code = code;
    e.name = "RichApi.Error";
    return e;
  }

  // ---- the workbook model -------------------------------------------------------------------------
  const book = { name: "Book1.xlsx", sheets: [], active: 0 };
  stub.book = book;

  function newSheet(name) {
    return { name, cells: new Map(), formats: new Map(), visibility: "Visible", deleted: false };
  }
  const seed = globalThis.__DNQP_BOOK__ || { sheets: [{ name: "Sheet1", values: [[""]] }] };
  book.name = seed.name || book.name;
  for (const s of seed.sheets) {
    const sheet = newSheet(s.name);
    (s.values || []).forEach((row, r) =>
      row.forEach((v, c) => {
        if (v !== null && v !== "") sheet.cells.set(`${r},${c}`, v);
      }),
    );
    book.sheets.push(sheet);
  }

  function colName(c) {
    let s = "";
    for (c += 1; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
    return s;
  }
  function colIndex(letters) {
    let n = 0;
    for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
    return n - 1;
  }
  function parseAddress(address) {
    const part = address.split("!").pop().replace(/\$/g, "");
    const [a, b] = part.split(":");
    const one = (x) => {
      const m = /^([A-Za-z]+)(\d+)$/.exec(x);
      if (!m) throw officeError("InvalidArgument", `bad address ${address}`);
      return [parseInt(m[2], 10) - 1, colIndex(m[1])];
    };
    const [r1, c1] = one(a);
    const [r2, c2] = b ? one(b) : [r1, c1];
    return [Math.min(r1, r2), Math.min(c1, c2), Math.abs(r2 - r1) + 1, Math.abs(c2 - c1) + 1];
  }
  function findSheet(name) {
    const key = String(name).toLowerCase();
    return book.sheets.find((s) => !s.deleted && s.name.toLowerCase() === key) || null;
  }
  function liveSheets() {
    return book.sheets.filter((s) => !s.deleted);
  }

  // ---- API objects --------------------------------------------------------------------------------
  const loadable = {
    load() {
      return this;
    },
  };

  function collection(items) {
    return Object.assign(Object.create(loadable), { items, isNullObject: false });
  }
  function nullObject() {
    return Object.assign(Object.create(loadable), { isNullObject: true, items: [] });
  }

  function setMatrix(map, range, value, what) {
    const { row, col, rows, cols } = range._box;
    let get;
    if (!Array.isArray(value)) {
      get = () => value;
    } else if (value.length === 1 && value[0].length === 1) {
      get = () => value[0][0];
    } else if (value.length === rows && value.every((r) => Array.isArray(r) && r.length === cols)) {
      get = (i, j) => value[i][j];
    } else {
      throw officeError(
        "InvalidArgument",
        `The number of rows or columns in the input array doesn't match the size of the range (${what})`,
      );
    }
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        const v = get(i, j);
        if (v === null || v === undefined) continue;
        const key = `${row + i},${col + j}`;
        if (v === "" || (what === "numberFormat" && v === "General")) map.delete(key);
        else map.set(key, v);
      }
  }

  function makeRange(sheet, row, col, rows, cols) {
    const r = Object.create(loadable);
    r._box = { row, col, rows, cols };
    r.isNullObject = false;
    Object.defineProperties(r, {
      address: {
        get: () => {
          const a = `${colName(col)}${row + 1}`;
          const b = `${colName(col + cols - 1)}${row + rows}`;
          return `${sheet.name}!${rows === 1 && cols === 1 ? a : a + ":" + b}`;
        },
      },
      rowCount: { get: () => rows },
      columnCount: { get: () => cols },
      rowIndex: { get: () => row },
      columnIndex: { get: () => col },
      values: {
        get: () =>
          Array.from({ length: rows }, (_, i) =>
            Array.from({ length: cols }, (_, j) => {
              const v = sheet.cells.get(`${row + i},${col + j}`);
              return v === undefined ? "" : v;
            }),
          ),
        set: (v) => setMatrix(sheet.cells, r, v, "values"),
      },
      numberFormat: {
        get: () =>
          Array.from({ length: rows }, (_, i) =>
            Array.from({ length: cols }, (_, j) => sheet.formats.get(`${row + i},${col + j}`) || "General"),
          ),
        set: (v) => setMatrix(sheet.formats, r, v, "numberFormat"),
      },
      worksheet: { get: () => makeSheet(sheet) },
    });
    r.clear = function () {
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          sheet.cells.delete(`${row + i},${col + j}`);
          sheet.formats.delete(`${row + i},${col + j}`);
        }
    };
    r.getSurroundingRegion = () => r;
    return r;
  }

  function usedBox(sheet) {
    let box = null;
    for (const key of sheet.cells.keys()) {
      const [r, c] = key.split(",").map(Number);
      if (!box) box = [r, c, r, c];
      else box = [Math.min(box[0], r), Math.min(box[1], c), Math.max(box[2], r), Math.max(box[3], c)];
    }
    return box;
  }

  function makeSheet(sheet) {
    const w = Object.create(loadable);
    w.isNullObject = false;
    Object.defineProperties(w, {
      name: {
        get: () => sheet.name,
        set: (v) => {
          const other = findSheet(v);
          if (other && other !== sheet) throw officeError("ItemAlreadyExists", `A sheet named ${v} exists`);
          sheet.name = String(v);
        },
      },
      position: {
        get: () => liveSheets().indexOf(sheet),
        set: (p) => {
          const live = liveSheets().filter((s) => s !== sheet);
          live.splice(Math.max(0, Math.min(p, live.length)), 0, sheet);
          book.sheets = live.concat(book.sheets.filter((s) => s.deleted));
        },
      },
      visibility: { get: () => sheet.visibility, set: (v) => (sheet.visibility = v) },
      showGridlines: { get: () => true, set: () => {} },
    });
    w.names = collection([]);
    w.tables = collection([]);
    w.charts = collection([]);
    w.shapes = collection([]);
    w.pivotTables = collection([]);
    w.pageLayout = { getPrintAreaOrNullObject: () => nullObject() };
    w.getRange = (address = "A1") => {
      const [row, col, rows, cols] = parseAddress(address);
      return makeRange(sheet, row, col, rows, cols);
    };
    w.getRangeByIndexes = (row, col, rows, cols) => makeRange(sheet, row, col, rows, cols);
    w.getUsedRangeOrNullObject = () => {
      const box = usedBox(sheet);
      return box ? makeRange(sheet, box[0], box[1], box[2] - box[0] + 1, box[3] - box[1] + 1) : nullObject();
    };
    w.getUsedRange = () => {
      const u = w.getUsedRangeOrNullObject();
      return u.isNullObject ? makeRange(sheet, 0, 0, 1, 1) : u;
    };
    w.getRanges = () => ({
      clear: () => {
        sheet.cells.clear();
        sheet.formats.clear();
      },
    });
    w.delete = () => {
      if (liveSheets().length === 1) throw officeError("InvalidOperation", "a workbook needs one sheet");
      sheet.deleted = true;
    };
    w.activate = () => (book.active = liveSheets().indexOf(sheet));
    return w;
  }

  function worksheets() {
    const ws = Object.create(loadable);
    Object.defineProperty(ws, "items", { get: () => liveSheets().map(makeSheet) });
    ws.getItem = (name) => {
      const s = findSheet(name);
      if (!s) throw officeError("ItemNotFound", `no sheet ${name}`);
      return makeSheet(s);
    };
    ws.getItemOrNullObject = (name) => {
      const s = findSheet(name);
      return s ? makeSheet(s) : nullObject();
    };
    ws.getActiveWorksheet = () => makeSheet(liveSheets()[book.active] || liveSheets()[0]);
    ws.add = (name) => {
      if (name === undefined) {
        let i = liveSheets().length + 1;
        while (findSheet(`Sheet${i}`)) i++;
        name = `Sheet${i}`;
      }
      if (findSheet(name)) throw officeError("ItemAlreadyExists", `A resource with the same name or identifier already exists: ${name}`);
      const s = newSheet(String(name));
      book.sheets.splice(liveSheets().length, 0, s);
      return makeSheet(s);
    };
    return ws;
  }

  class RequestContext {
    constructor() {
      const ws = worksheets();
      this.workbook = Object.assign(Object.create(loadable), {
        worksheets: ws,
        names: collection([]),
        application: Object.assign(Object.create(loadable), { calculationMode: "Automatic" }),
        getSelectedRange: () => ws.getActiveWorksheet().getRange("A1"),
      });
      Object.defineProperty(this.workbook, "name", { get: () => book.name });
      this.application = this.workbook.application;
    }
    async sync() {
      stub.syncs += 1;
      await Promise.resolve();
    }
  }

  // ---- globals -------------------------------------------------------------------------------------
  // Requirement sets (major.minor compared as numbers: 1.12 > 1.7). ExcelApi 1.7 keeps xlwings off the
  // pivot-table (1.8), culture (1.12) and notes (1.18) paths, which dnqp does not use.
  const SETS = { ExcelApi: "1.7", SharedRuntime: "1.1", CustomFunctionsRuntime: "1.4", DialogApi: "1.2", RibbonApi: "1.1" };
  const version = (v) => String(v || "1.1").split(".").map((x) => parseInt(x, 10) || 0);
  const ready = Promise.resolve({ host: "Excel", platform: "OfficeOnline" });
  globalThis.Office = {
    HostType: { Excel: "Excel" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    onReady(callback) {
      return ready.then((info) => {
        if (callback) callback(info);
        return info;
      });
    },
    context: {
      platform: "OfficeOnline",
      requirements: {
        isSetSupported(name, v) {
          const have = Object.entries(SETS).find(([k]) => k.toLowerCase() === String(name).toLowerCase());
          if (!have) return false;
          const [a, b] = version(v), [x, y] = version(have[1]);
          return a < x || (a === x && b <= y);
        },
      },
      ui: {
        displayDialogAsync(url, options, callback) {
          stub.dialogs.push(Object.fromEntries(new URL(url).searchParams));
          const dialog = { addEventHandler() {}, close() {} };
          if (callback) callback({ status: "succeeded", value: dialog });
        },
      },
    },
    actions: {
      associate(id, fn) {
        stub.actions[id] = fn;
      },
    },
  };
  globalThis.Excel = {
    RequestContext,
    ShapeType: { image: "Image" },
    ClearApplyTo: { all: "All", formats: "Formats", contents: "Contents" },
    async run(callback) {
      return await callback(new RequestContext());
    },
  };
  globalThis.OfficeRuntime = {
    storage: {
      _items: new Map(),
      async getItem(k) {
        return this._items.has(k) ? this._items.get(k) : null;
      },
      async setItem(k, v) {
        this._items.set(k, String(v));
      },
      async removeItem(k) {
        this._items.delete(k);
      },
    },
  };
  class CustomFunctionsError extends Error {
    constructor(code, message) {
      super(message || code);
      this.code = code;
    }
  }
  globalThis.CustomFunctions = {
    Error: CustomFunctionsError,
    ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A", invalidNumber: "#NUM!" },
    associate(name, fn) {
      stub.functions[name] = fn;
    },
  };

  // How the test drives the page: run a worksheet function as Excel would (args, then the invocation),
  // press a ribbon button, and read the workbook back.
  stub.callFunction = async function (name, args, address = "Sheet1!B2") {
    const fn = stub.functions[name];
    if (!fn) throw new Error(`function ${name} was not associated`);
    try {
      return { result: await fn(...args, { address, setResult() {}, onCanceled: null }) };
    } catch (e) {
      return { error: e instanceof CustomFunctionsError ? { code: e.code, message: e.message } : String(e) + " " + e.stack };
    }
  };
  stub.press = function (id) {
    return new Promise((resolve) => stub.actions[id]({ source: { id }, completed: () => resolve(true) }));
  };
  stub.snapshot = function () {
    return liveSheets().map((s) => {
      const box = usedBox(s);
      const values = box
        ? Array.from({ length: box[2] + 1 }, (_, r) =>
            Array.from({ length: box[3] + 1 }, (_, c) => {
              const v = s.cells.get(`${r},${c}`);
              return v === undefined ? "" : v;
            }),
          )
        : [];
      return { name: s.name, values, formats: Object.fromEntries(s.formats) };
    });
  };
})();
