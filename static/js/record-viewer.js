// The record viewer on the review page: PDF.js draws each page of the review PDF with its
// text layer, the redactions already made as labelled boxes, and lets the officer redact
// by drawing a box or selecting text. Either way it fills the page's plain redaction form
// (boxes in PDF points from the top-left of the page) and submits it, so the server does
// all the checking and the page without JavaScript offers the same form by position.
// PDF.js and its worker come from static/pdfjs/ (frontend/build.sh), same origin as the CSP wants.

const MAX_SCALE = 1.5
// Narrower or shorter than this (in points) is a slip of the mouse, not a box.
const MIN_POINTS = 2

function points (value, scale) {
  return Math.round((value / scale) * 100) / 100
}

function place (element, box, scale) {
  const [x0, y0, x1, y1] = box
  element.style.left = x0 * scale + 'px'
  element.style.top = y0 * scale + 'px'
  element.style.width = (x1 - x0) * scale + 'px'
  element.style.height = (y1 - y0) * scale + 'px'
}

function drawRedaction (page, redaction) {
  const box = document.createElement('div')
  box.className = 'app-redaction-box'
  box.dataset.redaction = redaction.id
  place(box, redaction.box, page.scale)
  const label = document.createElement('span')
  label.className = 'app-redaction-box__label'
  label.textContent = redaction.label
  box.append(label)
  page.overlay.append(box)
}

async function renderPage (pdfjs, doc, number, viewer) {
  const pdfPage = await doc.getPage(number)
  const natural = pdfPage.getViewport({ scale: 1 })
  const scale = Math.min(MAX_SCALE, (viewer.clientWidth - 2) / natural.width)
  const viewport = pdfPage.getViewport({ scale })

  const holder = document.createElement('div')
  holder.className = 'app-pdf-page'
  holder.dataset.page = number
  holder.setAttribute('role', 'group')
  holder.setAttribute('aria-label', 'Page ' + number + ' of ' + doc.numPages)
  for (const [name, value] of [['--scale-factor', scale], ['--total-scale-factor', scale],
    ['--scale-round-x', '1px'], ['--scale-round-y', '1px']]) {
    holder.style.setProperty(name, value)
  }
  holder.style.width = viewport.width + 'px'
  holder.style.height = viewport.height + 'px'

  const ratio = window.devicePixelRatio || 1
  const canvas = document.createElement('canvas')
  canvas.width = Math.floor(viewport.width * ratio)
  canvas.height = Math.floor(viewport.height * ratio)
  canvas.style.width = viewport.width + 'px'
  canvas.style.height = viewport.height + 'px'
  const text = document.createElement('div')
  text.className = 'textLayer'
  const overlay = document.createElement('div')
  overlay.className = 'app-redaction-layer'
  holder.append(canvas, text, overlay)
  viewer.append(holder)

  await pdfPage.render({
    canvas,
    canvasContext: canvas.getContext('2d'),
    viewport,
    transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0]
  }).promise
  await new pdfjs.TextLayer({
    textContentSource: pdfPage.streamTextContent(),
    container: text,
    viewport
  }).render()
  return { number, scale, holder, overlay }
}

function submitBoxes (form, boxes, method, hint) {
  if (!form.elements.citation) {
    hint.textContent = 'Cite an exemption on the case first: every redaction needs one.'
    return
  }
  if (!boxes.length) {
    hint.textContent = 'Select some text on the page first.'
    return
  }
  form.elements.boxes.value = JSON.stringify(boxes)
  form.querySelector('[data-redaction-method]').value = method
  form.submit()
}

function selectionBoxes (pages) {
  const selection = window.getSelection()
  const boxes = []
  if (!selection || selection.isCollapsed) return boxes
  for (let i = 0; i < selection.rangeCount; i++) {
    for (const rect of selection.getRangeAt(i).getClientRects()) {
      if (rect.width < 1 || rect.height < 1) continue
      const middleX = rect.left + rect.width / 2
      const middleY = rect.top + rect.height / 2
      for (const page of pages) {
        const area = page.holder.getBoundingClientRect()
        if (middleX < area.left || middleX > area.right || middleY < area.top || middleY > area.bottom) continue
        const clamp = (v, low, high) => Math.min(Math.max(v, low), high)
        const box = [
          page.number,
          points(clamp(rect.left, area.left, area.right) - area.left, page.scale),
          points(clamp(rect.top, area.top, area.bottom) - area.top, page.scale),
          points(clamp(rect.right, area.left, area.right) - area.left, page.scale),
          points(clamp(rect.bottom, area.top, area.bottom) - area.top, page.scale)
        ]
        if (box[3] - box[1] >= MIN_POINTS / 2 && box[4] - box[2] >= MIN_POINTS / 2) boxes.push(box)
        break
      }
    }
  }
  return boxes
}

function enableDrawing (page, form, hint) {
  let start = null
  let draft = null
  const at = (event) => {
    const area = page.holder.getBoundingClientRect()
    return [
      Math.min(Math.max(event.clientX - area.left, 0), area.width),
      Math.min(Math.max(event.clientY - area.top, 0), area.height)
    ]
  }
  const corners = (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])]
  page.overlay.addEventListener('pointerdown', (event) => {
    event.preventDefault()
    start = at(event)
    draft = document.createElement('div')
    draft.className = 'app-redaction-draft'
    page.overlay.append(draft)
    page.overlay.setPointerCapture(event.pointerId)
  })
  page.overlay.addEventListener('pointermove', (event) => {
    if (start) place(draft, corners(start, at(event)), 1)
  })
  page.overlay.addEventListener('pointerup', (event) => {
    if (!start) return
    const [x0, y0, x1, y1] = corners(start, at(event)).map((v) => points(v, page.scale))
    start = null
    if (x1 - x0 < MIN_POINTS || y1 - y0 < MIN_POINTS) {
      draft.remove()
      return
    }
    submitBoxes(form, [[page.number, x0, y0, x1, y1]], 'box', hint)
  })
}

async function start (viewer) {
  const pdfjs = await import(viewer.dataset.pdfjsUrl)
  pdfjs.GlobalWorkerOptions.workerSrc = viewer.dataset.workerUrl
  const doc = await pdfjs.getDocument({ url: viewer.dataset.pdfUrl, isEvalSupported: false }).promise
  viewer.querySelector('[data-viewer-fallback]').hidden = true
  const redactions = JSON.parse(document.getElementById('record-redaction-boxes').textContent)
  const pages = []
  for (let number = 1; number <= doc.numPages; number++) {
    const page = await renderPage(pdfjs, doc, number, viewer)
    for (const redaction of redactions) {
      if (redaction.page === number) drawRedaction(page, redaction)
    }
    pages.push(page)
  }
  viewer.dataset.ready = 'true'

  const form = document.querySelector('[data-redaction-form]')
  if (!form) return
  const hint = form.querySelector('[data-viewer-hint]')
  hint.hidden = false
  hint.setAttribute('aria-live', 'polite')
  form.querySelector('[data-viewer-tools]').hidden = false
  for (const page of pages) enableDrawing(page, form, hint)

  const draw = form.querySelector('[data-draw-box]')
  draw.addEventListener('click', () => {
    const on = draw.getAttribute('aria-pressed') !== 'true'
    draw.setAttribute('aria-pressed', String(on))
    viewer.classList.toggle('app-record-viewer--drawing', on)
  })
  // Measured as the button is pressed, before focus moves and the selection can change.
  const redactSelection = form.querySelector('[data-redact-selection]')
  let measured = null
  redactSelection.addEventListener('pointerdown', () => { measured = selectionBoxes(pages) })
  redactSelection.addEventListener('click', () => {
    const boxes = measured && measured.length ? measured : selectionBoxes(pages)
    measured = null
    submitBoxes(form, boxes, 'text', hint)
  })
}

const viewer = document.querySelector('[data-record-viewer]')
if (viewer) {
  start(viewer).catch(() => {
    const fallback = viewer.querySelector('[data-viewer-fallback]')
    fallback.hidden = false
    fallback.prepend('The pages could not be shown here. ')
  })
}
