// Dropping files onto a record upload box: progressive enhancement of a plain
// <input type="file" multiple>, which works without this script. The dropped files
// replace the input's selection, and the box lists what will be sent.

function sizeWords (bytes) {
  if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + ' MB'
  return Math.max(1, Math.round(bytes / 1024)) + ' KB'
}

function listFiles (input, list) {
  list.replaceChildren(...Array.from(input.files, (file) => {
    const item = document.createElement('li')
    item.textContent = file.name + ' (' + sizeWords(file.size) + ')'
    return item
  }))
}

function enhance (box) {
  const input = box.querySelector('input[type="file"]')
  const list = box.querySelector('[data-drop-list]')
  const hint = box.querySelector('[data-drop-hint]')
  if (!input || !list || typeof DataTransfer === 'undefined') return
  if (hint) hint.hidden = false
  input.addEventListener('change', () => listFiles(input, list))
  box.addEventListener('dragover', (event) => {
    event.preventDefault()
    box.style.outline = '3px dashed #1d70b8'
  })
  box.addEventListener('dragleave', () => { box.style.outline = '' })
  box.addEventListener('drop', (event) => {
    event.preventDefault()
    box.style.outline = ''
    if (!event.dataTransfer || !event.dataTransfer.files.length) return
    const chosen = new DataTransfer()
    for (const file of event.dataTransfer.files) chosen.items.add(file)
    input.files = chosen.files
    listFiles(input, list)
    input.focus()
  })
}

document.querySelectorAll('[data-module="app-file-drop"]').forEach(enhance)

// While records are being converted for review, fetch the page again every few seconds and
// swap in the records table, so the progress shows without a reload.
const REFRESH_MS = 4000

function refresh (table) {
  setTimeout(async () => {
    try {
      const response = await fetch(window.location.href, { headers: { Accept: 'text/html' } })
      if (!response.ok) return
      const page = new DOMParser().parseFromString(await response.text(), 'text/html')
      const fresh = page.getElementById(table.id)
      if (!fresh) return
      table.replaceWith(fresh)
      if (fresh.dataset.refresh) refresh(fresh)
    } catch (error) {
      // Offline or signed out: leave the table as it is.
    }
  }, REFRESH_MS)
}

document.querySelectorAll('table[data-refresh]').forEach(refresh)
